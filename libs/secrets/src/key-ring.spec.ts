import type { SealedSecret } from '@lbaas/domain';
import { mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type KeyRing, loadKeyRing, openSecret, SecretUnreadable, sealSecret } from './key-ring';

const PLAINTEXT = '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n';

/** Flips one bit of a base64 field. */
const flipped = (base64: string): string => {
  const bytes = Buffer.from(base64, 'base64');
  bytes[0] ^= 1;
  return bytes.toString('base64');
};

describe('the certificate key ring', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lbaas-key-ring-'));
    path = join(dir, 'secret.key');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describe('loadKeyRing', () => {
    it('creates the deployment key (mode 0600) and has no previous keys before a rotation', () => {
      const ring = loadKeyRing(path);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(ring.current.key).toHaveLength(32);
      expect(ring.current.id).toMatch(/^[0-9a-f]{16}$/);
      expect(ring.previous).toEqual([]);
    });

    it('derives the same key and id from the same file, and neither is the deployment key itself', () => {
      const first = loadKeyRing(path);
      const again = loadKeyRing(path);
      expect(again.current.id).toBe(first.current.id);
      expect(again.current.key.equals(first.current.key)).toBe(true);
      const deployment = Buffer.from(readFileSync(path, 'utf8'), 'hex');
      expect(first.current.key.equals(deployment)).toBe(false);
      expect(first.current.id).not.toBe(deployment.toString('hex').slice(0, 16));
    });

    it('derives a different key from a different deployment key', () => {
      writeFileSync(path, 'ab'.repeat(32));
      const a = loadKeyRing(path);
      writeFileSync(path, 'cd'.repeat(32));
      const b = loadKeyRing(path);
      expect(a.current.id).not.toBe(b.current.id);
      expect(a.current.key.equals(b.current.key)).toBe(false);
    });

    it('holds the keys of the .previous file, one a line', () => {
      writeFileSync(`${path}.previous`, `${'ab'.repeat(32)}\n${'cd'.repeat(32)}\n\n`);
      const ring = loadKeyRing(path);
      writeFileSync(path, 'ab'.repeat(32));
      const ab = loadKeyRing(path).current;
      writeFileSync(path, 'cd'.repeat(32));
      const cd = loadKeyRing(path).current;
      expect(ring.previous.map((k) => k.id)).toEqual([ab.id, cd.id]);
    });

    it('refuses a .previous file with a line that is not a key, naming the line', () => {
      writeFileSync(`${path}.previous`, `${'ab'.repeat(32)}\nnot a key\n`);
      expect(() => loadKeyRing(path)).toThrow(`${path}.previous line 2 must hold 64 hexadecimal characters (32 bytes)`);
    });
  });

  describe('sealSecret and openSecret', () => {
    let ring: KeyRing;
    let sealed: SealedSecret;
    beforeEach(() => {
      ring = loadKeyRing(path);
      sealed = sealSecret(PLAINTEXT, ring);
    });

    it('round-trips a secret', () => expect(openSecret(sealed, ring)).toBe(PLAINTEXT));

    it('round-trips an empty secret and one of every byte value', () => {
      const everyByte = Buffer.from(Array.from({ length: 256 }, (_, i) => i)).toString('latin1');
      for (const secret of ['', everyByte, 'ключ 🔑']) expect(openSecret(sealSecret(secret, ring), ring)).toBe(secret);
    });

    it('names the current key, in base64 fields with a 12-byte iv and a 16-byte tag, without the plain text', () => {
      expect(sealed).toEqual({
        algorithm: 'AES-256-GCM',
        keyId: ring.current.id,
        iv: expect.any(String),
        tag: expect.any(String),
        ciphertext: expect.any(String),
      });
      expect(Buffer.from(sealed.iv, 'base64')).toHaveLength(12);
      expect(Buffer.from(sealed.tag, 'base64')).toHaveLength(16);
      expect(JSON.stringify(sealed)).not.toContain('MIGHAgEA');
      expect(JSON.stringify(sealed)).not.toContain(readFileSync(path, 'utf8'));
    });

    it('seals the same secret differently each time (a fresh iv)', () => {
      const again = sealSecret(PLAINTEXT, ring);
      expect(again.iv).not.toBe(sealed.iv);
      expect(again.ciphertext).not.toBe(sealed.ciphertext);
    });

    it.each([
      { desc: 'the ciphertext', tamper: (s: SealedSecret) => ({ ...s, ciphertext: flipped(s.ciphertext) }) },
      { desc: 'the tag', tamper: (s: SealedSecret) => ({ ...s, tag: flipped(s.tag) }) },
      { desc: 'the iv', tamper: (s: SealedSecret) => ({ ...s, iv: flipped(s.iv) }) },
      {
        desc: 'a truncated ciphertext',
        tamper: (s: SealedSecret) => ({ ...s, ciphertext: Buffer.from(s.ciphertext, 'base64').subarray(1).toString('base64') }),
      },
    ])('refuses a secret whose $desc was altered, naming its key', ({ tamper }) => {
      const open = () => openSecret(tamper(sealed), ring);
      expect(open).toThrow(SecretUnreadable);
      expect(open).toThrow(`the secret sealed with key ${ring.current.id} failed authentication: it was altered after it was sealed`);
    });

    it.each([
      {
        desc: 'a short tag (GCM would check only its bytes)',
        tamper: (s: SealedSecret) => ({ ...s, tag: Buffer.from(s.tag, 'base64').subarray(0, 4).toString('base64') }),
      },
      { desc: 'a short iv', tamper: (s: SealedSecret) => ({ ...s, iv: Buffer.from(s.iv, 'base64').subarray(0, 8).toString('base64') }) },
      { desc: 'another algorithm', tamper: (s: SealedSecret) => ({ ...s, algorithm: 'AES-128-GCM' }) as unknown as SealedSecret },
    ])('refuses $desc', ({ tamper }) => {
      expect(() => openSecret(tamper(sealed), ring)).toThrow(
        `the secret sealed with key ${ring.current.id} is not an AES-256-GCM secret with a 12-byte iv and a 16-byte tag`,
      );
    });

    it('refuses a secret whose key id was changed to another key of the ring: the id is authenticated', () => {
      writeFileSync(`${path}.previous`, 'ab'.repeat(32));
      const rotated = loadKeyRing(path);
      const other = rotated.previous[0].id;
      const open = () => openSecret({ ...sealed, keyId: other }, rotated);
      expect(open).toThrow(SecretUnreadable);
      expect(open).toThrow(`the secret sealed with key ${other} failed authentication`);
    });

    it('refuses a secret sealed with a key the ring does not hold, naming both', () => {
      const elsewhere = join(dir, 'other.key');
      const foreign = sealSecret(PLAINTEXT, loadKeyRing(elsewhere));
      let error: unknown;
      try {
        openSecret(foreign, ring);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(SecretUnreadable);
      expect(error).toMatchObject({
        name: 'SecretUnreadable',
        keyId: foreign.keyId,
        message: `the secret was sealed with key ${foreign.keyId}, which is not in this deployment's key ring (${ring.current.id}): put the deployment key that sealed it in the key file's .previous file`,
      });
    });
  });

  describe('rotation', () => {
    it('opens what the old key sealed once the old key is moved to .previous, and seals with the new one', () => {
      const old = loadKeyRing(path);
      const sealedBefore = sealSecret(PLAINTEXT, old);
      renameSync(path, `${path}.previous`);
      const rotated = loadKeyRing(path);
      expect(rotated.current.id).not.toBe(old.current.id);
      expect(rotated.previous.map((k) => k.id)).toEqual([old.current.id]);
      expect(openSecret(sealedBefore, rotated)).toBe(PLAINTEXT);
      const sealedAfter = sealSecret(PLAINTEXT, rotated);
      expect(sealedAfter.keyId).toBe(rotated.current.id);
      expect(openSecret(sealedAfter, rotated)).toBe(PLAINTEXT);
      expect(() => openSecret(sealedAfter, old)).toThrow(SecretUnreadable);
    });

    it('no longer opens what the old key sealed once .previous is gone', () => {
      const sealedBefore = sealSecret(PLAINTEXT, loadKeyRing(path));
      renameSync(path, join(dir, 'retired.key'));
      expect(() => openSecret(sealedBefore, loadKeyRing(path))).toThrow(
        `the secret was sealed with key ${sealedBefore.keyId}, which is not in`,
      );
    });
  });
});
