import type { SealedSecret } from '@lbaas/domain';
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { deploymentKey } from './deployment-key';

/** An AES-256 key derived from a deployment key, and the id sealed secrets name it by. */
export interface RingKey {
  /** The first 16 hex characters of the SHA-256 of the derived key: names it without revealing it. */
  readonly id: string;
  readonly key: Buffer;
}

/** The key that seals, and the keys of earlier deployment keys that still open what they sealed. */
export interface KeyRing {
  readonly current: RingKey;
  readonly previous: readonly RingKey[];
}

/** A sealed secret that this key ring cannot open; the message names the key that sealed it. */
export class SecretUnreadable extends Error {
  constructor(
    readonly keyId: string,
    message: string,
  ) {
    super(message);
    this.name = 'SecretUnreadable';
  }
}

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** A new purpose of the deployment key gets its own label, so no two purposes share a key. */
const HKDF_INFO = 'lbaas certificate keys v1';
const HEX_KEY = /^[0-9a-f]{64}$/;

function ringKey(deploymentKeyBytes: Buffer): RingKey {
  const key = Buffer.from(hkdfSync('sha256', deploymentKeyBytes, Buffer.alloc(0), HKDF_INFO, 32));
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 16), key };
}

/** `${path}.previous`: the deployment keys this one replaced, one a line, newest first; absent before the first rotation. */
function previousKeys(path: string): RingKey[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line, i) => {
      if (!HEX_KEY.test(line)) throw new Error(`${path} line ${i + 1} must hold 64 hexadecimal characters (32 bytes)`);
      return ringKey(Buffer.from(line, 'hex'));
    });
}

/**
 * The certificate key ring of a deployment: the current key from the deployment key at `path`
 * (created on first use, as `deploymentKey` does), and the keys of `${path}.previous`, so a
 * rotation (the old key moved there, a new one in its place) still opens what the old key sealed.
 */
export function loadKeyRing(path: string): KeyRing {
  return { current: ringKey(deploymentKey(path)), previous: previousKeys(`${path}.previous`) };
}

/** Seals `plaintext` with the ring's current key: AES-256-GCM, a random 12-byte iv, the key id authenticated with it. */
export function sealSecret(plaintext: string, ring: KeyRing): SealedSecret {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, ring.current.key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(ring.current.id, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return {
    algorithm: 'AES-256-GCM',
    keyId: ring.current.id,
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    ciphertext: ciphertext.toString('base64'),
  };
}

/** Opens what `sealSecret` sealed with a key of `ring`; throws SecretUnreadable when no key of the ring can. */
export function openSecret(sealed: SealedSecret, ring: KeyRing): string {
  const keys = [ring.current, ...ring.previous];
  const match = keys.find((k) => k.id === sealed.keyId);
  if (!match) {
    const held = keys.map((k) => k.id).join(', ');
    throw new SecretUnreadable(
      sealed.keyId,
      `the secret was sealed with key ${sealed.keyId}, which is not in this deployment's key ring (${held}): ` +
        "put the deployment key that sealed it in the key file's .previous file",
    );
  }
  const iv = Buffer.from(sealed.iv, 'base64');
  const tag = Buffer.from(sealed.tag, 'base64');
  if (sealed.algorithm !== 'AES-256-GCM' || iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new SecretUnreadable(
      sealed.keyId,
      `the secret sealed with key ${sealed.keyId} is not an AES-256-GCM secret with a 12-byte iv and a 16-byte tag`,
    );
  }
  try {
    const decipher = createDecipheriv(ALGORITHM, match.key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(sealed.keyId, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretUnreadable(
      sealed.keyId,
      `the secret sealed with key ${sealed.keyId} failed authentication: it was altered after it was sealed`,
    );
  }
}
