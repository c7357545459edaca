import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTestCa, type TestCa } from './test-ca';

const certificatesOf = (pem: string) =>
  (pem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? []).map((block) => new X509Certificate(block));

describe('the test CA', () => {
  let dir: string;
  let ca: TestCa;
  let root: X509Certificate;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lbaas-test-ca-'));
    ca = await makeTestCa(dir);
    root = new X509Certificate(ca.certificatePem);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has a self-signed root CA', () => {
    expect(root.ca).toBe(true);
    expect(root.verify(root.publicKey)).toBe(true);
    expect(readFileSync(ca.certPath, 'utf8')).toBe(ca.certificatePem);
  });

  it('issues an EC leaf for DNS names, valid now, with its key and fingerprint', async () => {
    const issued = await ca.issue(['www.example.test', 'example.test']);
    const [leaf, ...chain] = certificatesOf(issued.certificatePem);
    expect(chain).toEqual([]);
    expect(leaf.subject).toBe('CN=www.example.test');
    expect(leaf.subjectAltName).toBe('DNS:www.example.test, DNS:example.test');
    expect(leaf.ca).toBe(false);
    expect(leaf.checkIssued(root) && leaf.verify(root.publicKey)).toBe(true);
    expect(Date.parse(leaf.validFrom)).toBeLessThanOrEqual(Date.now());
    expect(Date.parse(leaf.validTo)).toBeGreaterThan(Date.now());
    const key = createPrivateKey(issued.privateKeyPem);
    expect(key.asymmetricKeyType).toBe('ec');
    expect(issued.privateKeyPem).toContain('-----BEGIN PRIVATE KEY-----');
    expect(leaf.checkPrivateKey(key)).toBe(true);
    expect(issued.fingerprint).toBe(leaf.fingerprint256.replace(/:/g, '').toLowerCase());
    expect(issued.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(issued.certPath, 'utf8')).toBe(issued.certificatePem);
    expect(readFileSync(issued.keyPath, 'utf8')).toBe(issued.privateKeyPem);
  });

  it('issues an RSA leaf', async () => {
    const issued = await ca.issue(['rsa.example.test'], { keyType: 'rsa' });
    expect(createPrivateKey(issued.privateKeyPem).asymmetricKeyType).toBe('rsa');
    expect(certificatesOf(issued.certificatePem)[0].checkPrivateKey(createPrivateKey(issued.privateKeyPem))).toBe(true);
  });

  it('issues through an intermediate, returning the leaf then the intermediate', async () => {
    const issued = await ca.issue(['www.example.test'], { intermediate: true });
    const [leaf, intermediate, ...rest] = certificatesOf(issued.certificatePem);
    expect(rest).toEqual([]);
    expect(intermediate.ca).toBe(true);
    expect(leaf.checkIssued(intermediate) && leaf.verify(intermediate.publicKey)).toBe(true);
    expect(intermediate.checkIssued(root) && intermediate.verify(root.publicKey)).toBe(true);
  });

  it('issues a leaf whose validity is entirely in the past', async () => {
    const [leaf] = certificatesOf((await ca.issue(['old.example.test'], { expired: true })).certificatePem);
    expect(Date.parse(leaf.validTo)).toBeLessThan(Date.now());
    expect(leaf.verify(root.publicKey)).toBe(true);
  });

  it('issues a valid leaf from an intermediate whose validity is in the past', async () => {
    const [leaf, intermediate] = certificatesOf((await ca.issue(['www.example.test'], { intermediateExpired: true })).certificatePem);
    expect(Date.parse(leaf.validTo)).toBeGreaterThan(Date.now());
    expect(Date.parse(intermediate.validTo)).toBeLessThan(Date.now());
    expect(leaf.verify(intermediate.publicKey)).toBe(true);
  });

  it('issues a leaf without subject alternative names for a common name', async () => {
    const [leaf] = certificatesOf((await ca.issue([], { commonName: 'legacy.example.test' })).certificatePem);
    expect(leaf.subject).toBe('CN=legacy.example.test');
    expect(leaf.subjectAltName).toBeUndefined();
  });

  it('issues many at once, each with its own key', async () => {
    const issued = await Promise.all(['a', 'b', 'c', 'd'].map((n) => ca.issue([`${n}.example.test`], { intermediate: n > 'b' })));
    expect(new Set(issued.map((i) => i.fingerprint)).size).toBe(4);
    expect(new Set(issued.map((i) => i.privateKeyPem)).size).toBe(4);
  });

  it.each([
    { desc: 'a name with a space', names: ['a b.example.test'] },
    { desc: 'a name with a comma (another SAN)', names: ['a.example.test,IP:198.18.0.1'] },
    { desc: 'a name with a newline', names: ['a.example.test\nbasicConstraints = CA:TRUE'] },
    { desc: 'no name at all', names: [] },
  ])('refuses $desc', async ({ names }) => {
    await expect(ca.issue(names)).rejects.toThrow();
  });
});
