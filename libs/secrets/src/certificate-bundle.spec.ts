import { catalogueMismatches } from '@lbaas/domain';
import { rejection } from '../test/rejection';
import { type IssuedCertificate, makeTestCa, type TestCa } from '@lbaas/testing';
import { createPrivateKey, generateKeyPairSync, type KeyExportOptions, type KeyObject, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCertificateBundle, sealCertificateBundle } from './certificate-bundle';
import { MAX_PEM_BYTES } from './pem';
import { loadKeyRing, openSecret } from './key-ring';

const NOW = new Date();
const blocks = (pem: string): string[] => pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n/g) ?? [];
const derOf = (pem: string) => createPrivateKey(pem).export({ type: 'pkcs8', format: 'der' });
const isoOf = (openssl: string) => new Date(openssl).toISOString();
const exported = (pem: string, options: KeyExportOptions<'pem'>) => createPrivateKey(pem).export(options).toString();

describe('readCertificateBundle', () => {
  let dir: string;
  let ca: TestCa;
  let other: TestCa;
  let ec: IssuedCertificate;
  let rsa: IssuedCertificate;
  let chained: IssuedCertificate;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lbaas-certificate-bundle-'));
    [ca, other] = await Promise.all([makeTestCa(join(dir, 'ca')), makeTestCa(join(dir, 'other'))]);
    [ec, rsa, chained] = await Promise.all([
      ca.issue(['www.example.test', 'example.test']),
      ca.issue(['rsa.example.test'], { keyType: 'rsa' }),
      ca.issue(['chain.example.test'], { intermediate: true }),
    ]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('accepts', () => {
    it('an EC leaf and its key, with what reads show of it', () => {
      const leaf = new X509Certificate(ec.certificatePem);
      expect(readCertificateBundle(ec.certificatePem, ec.privateKeyPem, NOW)).toEqual({
        certificate: ec.certificatePem,
        privateKey: expect.stringMatching(/^-----BEGIN PRIVATE KEY-----\n/),
        fingerprint: ec.fingerprint,
        subject: 'www.example.test',
        hostnames: ['www.example.test', 'example.test'],
        notBefore: isoOf(leaf.validFrom),
        notAfter: isoOf(leaf.validTo),
      });
      expect(derOf(readCertificateBundle(ec.certificatePem, ec.privateKeyPem, NOW).privateKey).equals(derOf(ec.privateKeyPem))).toBe(true);
    });

    it('an RSA leaf', () => {
      const bundle = readCertificateBundle(rsa.certificatePem, rsa.privateKeyPem, NOW);
      expect(bundle).toMatchObject({ subject: 'rsa.example.test', hostnames: ['rsa.example.test'], fingerprint: rsa.fingerprint });
      expect(derOf(bundle.privateKey).equals(derOf(rsa.privateKeyPem))).toBe(true);
    });

    it('a leaf with its intermediate, leaf first', () => {
      const bundle = readCertificateBundle(chained.certificatePem, chained.privateKeyPem, NOW);
      expect(blocks(bundle.certificate)).toHaveLength(2);
      expect(bundle.certificate).toBe(chained.certificatePem);
      expect(bundle.fingerprint).toBe(chained.fingerprint);
    });

    it('a chain that ends with its root', () => {
      const pem = chained.certificatePem + ca.certificatePem;
      expect(blocks(readCertificateBundle(pem, chained.privateKeyPem, NOW).certificate)).toHaveLength(3);
    });

    it('a wildcard name', async () => {
      const wildcard = await ca.issue(['*.example.test']);
      expect(readCertificateBundle(wildcard.certificatePem, wildcard.privateKeyPem, NOW).hostnames).toEqual(['*.example.test']);
    });

    it('a leaf without subject alternative names: its common name is its host name', async () => {
      const legacy = await ca.issue([], { commonName: 'legacy.example.test' });
      expect(readCertificateBundle(legacy.certificatePem, legacy.privateKeyPem, NOW)).toMatchObject({
        subject: 'legacy.example.test',
        hostnames: ['legacy.example.test'],
      });
    });

    it('a leaf whose common name is not a host name, with no host names', async () => {
      const odd = await ca.issue([], { commonName: 'odd..example.test' });
      expect(readCertificateBundle(odd.certificatePem, odd.privateKeyPem, NOW)).toMatchObject({
        subject: 'odd..example.test',
        hostnames: [],
      });
    });

    it('a leaf not yet valid, so a replacement can be staged', () => {
      const notBefore = new Date(new X509Certificate(ec.certificatePem).validFrom);
      const before = new Date(notBefore.getTime() - 86_400_000);
      expect(readCertificateBundle(ec.certificatePem, ec.privateKeyPem, before).fingerprint).toBe(ec.fingerprint);
    });

    it('a leaf in its last second', () => {
      const notAfter = new Date(new X509Certificate(ec.certificatePem).validTo);
      expect(readCertificateBundle(ec.certificatePem, ec.privateKeyPem, notAfter).fingerprint).toBe(ec.fingerprint);
    });
  });

  describe('normalizes', () => {
    it('CRLF line ends and the text around PEM blocks away', () => {
      const messy = chained.certificatePem
        .split('\n')
        .join('\r\n')
        .replace(/-----BEGIN CERTIFICATE-----/g, 'subject=CN = x\r\nBag Attributes\r\n-----BEGIN CERTIFICATE-----');
      const key = `Private-Key: (256 bit)\n${chained.privateKeyPem.split('\n').join('\r\n')}`;
      const bundle = readCertificateBundle(messy, key, NOW);
      expect(bundle.certificate).toBe(chained.certificatePem);
      expect(derOf(bundle.privateKey).equals(derOf(chained.privateKeyPem))).toBe(true);
    });

    it.each([
      { desc: 'an RSA key in PKCS#1', issued: () => rsa, key: () => exported(rsa.privateKeyPem, { type: 'pkcs1', format: 'pem' }) },
      { desc: 'an EC key in SEC1', issued: () => ec, key: () => exported(ec.privateKeyPem, { type: 'sec1', format: 'pem' }) },
      {
        desc: 'an EC key in SEC1 after its parameters (openssl ecparam -genkey)',
        issued: () => ec,
        key: () =>
          `-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n${exported(ec.privateKeyPem, { type: 'sec1', format: 'pem' })}`,
      },
    ])('$desc to PKCS#8', ({ issued, key }) => {
      const bundle = readCertificateBundle(issued().certificatePem, key(), NOW);
      expect(bundle.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/);
      expect(derOf(bundle.privateKey).equals(derOf(issued().privateKeyPem))).toBe(true);
    });
  });

  describe('refuses a certificate', () => {
    const cert = (reason: string) => `Invalid input for certificate. Reason: ${reason}.`;

    it.each([
      { desc: 'that is not PEM', pem: 'hello' },
      { desc: 'that is empty', pem: '' },
      { desc: 'given as DER in base64', pem: 'MIIBszCCAVmgAwIBAgIUJ' },
    ])('$desc', ({ pem }) => {
      expect(rejection(() => readCertificateBundle(pem, ec.privateKeyPem, NOW), 'the bundle')).toBe(
        cert('no PEM certificate (-----BEGIN CERTIFICATE-----) was found'),
      );
    });

    it('whose PEM does not hold X.509', () => {
      const garbage = '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n';
      expect(rejection(() => readCertificateBundle(garbage, ec.privateKeyPem, NOW), 'the bundle')).toBe(
        cert('certificate 1 of the chain is not an X.509 certificate'),
      );
      expect(rejection(() => readCertificateBundle(ec.certificatePem + garbage, ec.privateKeyPem, NOW), 'the bundle')).toBe(
        cert('certificate 2 of the chain is not an X.509 certificate'),
      );
    });

    it.each([
      { desc: 'a leaf', pem: () => ec.certificatePem.slice(0, 200) },
      { desc: 'the intermediate', pem: () => chained.certificatePem.slice(0, chained.certificatePem.length - 100) },
    ])('with a truncated PEM block ($desc)', ({ pem }) => {
      expect(rejection(() => readCertificateBundle(pem(), ec.privateKeyPem, NOW), 'the bundle')).toBe(
        cert('a PEM block has no -----END line'),
      );
    });

    it('that holds a private key, which is never shown', () => {
      expect(rejection(() => readCertificateBundle(ec.certificatePem + ec.privateKeyPem, ec.privateKeyPem, NOW), 'the bundle')).toBe(
        cert('it holds a private key, which is sent as private_key, never with the certificate'),
      );
    });

    it('that holds another kind of PEM block', () => {
      const crl = '-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n';
      expect(rejection(() => readCertificateBundle(ec.certificatePem + crl, ec.privateKeyPem, NOW), 'the bundle')).toBe(
        cert('it holds a X509 CRL PEM block; only certificates (-----BEGIN CERTIFICATE-----) are allowed'),
      );
    });

    it('chain of more than 10 certificates', () => {
      expect(rejection(() => readCertificateBundle(ec.certificatePem.repeat(11), ec.privateKeyPem, NOW), 'the bundle')).toBe(
        cert('it holds 11 PEM blocks, more than the 10 certificates a chain may have'),
      );
    });

    it('of many unterminated PEM blocks, counted before any is matched', () => {
      const hostile = '-----BEGIN CERTIFICATE-----\n'.repeat(2000);
      expect(rejection(() => readCertificateBundle(hostile, ec.privateKeyPem, NOW), 'the bundle')).toBe(
        cert('it holds 2000 PEM blocks, more than the 10 certificates a chain may have'),
      );
    });

    it('of more than 64 KiB', () => {
      const padded = `${'#'.repeat(MAX_PEM_BYTES)}\n${ec.certificatePem}`;
      expect(rejection(() => readCertificateBundle(padded, ec.privateKeyPem, NOW), 'the bundle')).toBe(
        cert(`it is ${Buffer.byteLength(padded)} bytes, more than the 65536 allowed`),
      );
    });

    it('chain out of order: the intermediate before the leaf', () => {
      const [leaf, intermediate] = blocks(chained.certificatePem);
      expect(rejection(() => readCertificateBundle(intermediate + leaf, chained.privateKeyPem, NOW), 'the bundle')).toBe(
        cert(
          "certificate 2 of the chain ('chain.example.test') did not issue certificate 1 ('LBaaS Test Intermediate CA'): send the leaf first, then each certificate that issued the one before it",
        ),
      );
    });

    it.each([
      {
        desc: 'its intermediate missing',
        pem: () => blocks(chained.certificatePem)[0] + ca.certificatePem,
        issuer: 'LBaaS Test Root CA',
        subject: 'chain.example.test',
      },
      {
        desc: 'another CA of the same name as its issuer',
        pem: () => ec.certificatePem + other.certificatePem,
        issuer: 'LBaaS Test Root CA',
        subject: 'www.example.test',
      },
      {
        desc: 'the same certificate twice',
        pem: () => ec.certificatePem + ec.certificatePem,
        issuer: 'www.example.test',
        subject: 'www.example.test',
      },
    ])('chain with $desc', ({ pem, issuer, subject }) => {
      expect(rejection(() => readCertificateBundle(pem(), ec.privateKeyPem, NOW), 'the bundle')).toContain(
        `certificate 2 of the chain ('${issuer}') did not issue certificate 1 ('${subject}')`,
      );
    });

    it('that expired, saying when', async () => {
      const expired = await ca.issue(['old.example.test'], { expired: true });
      const notAfter = isoOf(new X509Certificate(expired.certificatePem).validTo);
      expect(rejection(() => readCertificateBundle(expired.certificatePem, expired.privateKeyPem, NOW), 'the bundle')).toBe(
        cert(`the certificate expired on ${notAfter}`),
      );
    });

    it('whose validity ends before `now`', () => {
      const notAfter = new Date(new X509Certificate(ec.certificatePem).validTo);
      const later = new Date(notAfter.getTime() + 1000);
      expect(rejection(() => readCertificateBundle(ec.certificatePem, ec.privateKeyPem, later), 'the bundle')).toBe(
        cert(`the certificate expired on ${notAfter.toISOString()}`),
      );
    });

    it('whose intermediate expired, naming it', async () => {
      const issued = await ca.issue(['www.example.test'], { intermediateExpired: true });
      const intermediate = new X509Certificate(blocks(issued.certificatePem)[1]);
      expect(rejection(() => readCertificateBundle(issued.certificatePem, issued.privateKeyPem, NOW), 'the bundle')).toBe(
        cert(`certificate 2 of the chain ('LBaaS Test Intermediate CA (expired)') expired on ${isoOf(intermediate.validTo)}`),
      );
    });

    it('whose subject alternative name is not a DNS host name', async () => {
      const odd = await ca.issue(['www.example.test', 'bad..example.test']);
      expect(rejection(() => readCertificateBundle(odd.certificatePem, odd.privateKeyPem, NOW), 'the bundle')).toBe(
        cert("the subject alternative name 'bad..example.test' is not a DNS host name"),
      );
    });
  });

  describe('refuses a private key', () => {
    const key = (reason: string) => `Invalid input for private_key. Reason: ${reason}.`;
    const pkcs8 = (pair: { privateKey: KeyObject }) => pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

    it.each([
      { desc: 'that is not PEM', pem: () => 'hello' },
      { desc: 'that is missing', pem: () => '' },
      { desc: 'that is a certificate', pem: () => ec.certificatePem },
    ])('$desc', ({ pem }) => {
      expect(rejection(() => readCertificateBundle(ec.certificatePem, pem(), NOW), 'the bundle')).toBe(
        key('no PEM private key (-----BEGIN PRIVATE KEY-----) was found'),
      );
    });

    it('that does not parse', () => {
      expect(
        rejection(
          () => readCertificateBundle(ec.certificatePem, '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n', NOW),
          'the bundle',
        ),
      ).toBe(key('the private key does not parse'));
    });

    it('that is truncated', () => {
      expect(rejection(() => readCertificateBundle(ec.certificatePem, ec.privateKeyPem.slice(0, 60), NOW), 'the bundle')).toBe(
        key('a PEM block has no -----END line'),
      );
    });

    it('of more than 64 KiB', () => {
      const padded = `${'#'.repeat(MAX_PEM_BYTES)}\n${ec.privateKeyPem}`;
      expect(rejection(() => readCertificateBundle(ec.certificatePem, padded, NOW), 'the bundle')).toBe(
        key(`it is ${Buffer.byteLength(padded)} bytes, more than the 65536 allowed`),
      );
    });

    it('among many PEM blocks', () => {
      expect(
        rejection(() => readCertificateBundle(ec.certificatePem, ec.certificatePem.repeat(4) + ec.privateKeyPem, NOW), 'the bundle'),
      ).toBe(key('it holds 5 PEM blocks; send the private key of the certificate alone'));
    });

    it('given twice', () => {
      expect(rejection(() => readCertificateBundle(ec.certificatePem, ec.privateKeyPem + rsa.privateKeyPem, NOW), 'the bundle')).toBe(
        key('it holds 2 private keys; send the one of the certificate'),
      );
    });

    it.each([
      {
        desc: 'PKCS#8',
        pem: () => exported(ec.privateKeyPem, { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' }),
      },
      {
        desc: 'traditional (Proc-Type)',
        pem: () => exported(ec.privateKeyPem, { type: 'sec1', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' }),
      },
    ])('encrypted with a passphrase ($desc)', ({ pem }) => {
      expect(rejection(() => readCertificateBundle(ec.certificatePem, pem(), NOW), 'the bundle')).toBe(
        key(
          "the private key is encrypted with a passphrase; send it unencrypted (it is sealed with the deployment's key before it is stored)",
        ),
      );
    });

    it.each([
      {
        desc: 'Ed25519',
        pem: () => pkcs8(generateKeyPairSync('ed25519')),
        reason: 'keys of type ed25519 are not supported; send an RSA or EC key',
      },
      {
        desc: 'Ed448',
        pem: () => pkcs8(generateKeyPairSync('ed448')),
        reason: 'keys of type ed448 are not supported; send an RSA or EC key',
      },
      {
        desc: 'RSA of 1024 bits',
        pem: () => pkcs8(generateKeyPairSync('rsa', { modulusLength: 1024 })),
        reason: 'an RSA key of 1024 bits is too short; it needs at least 2048',
      },
      {
        desc: 'EC on secp256k1',
        pem: () => pkcs8(generateKeyPairSync('ec', { namedCurve: 'secp256k1' })),
        reason: 'an EC key on curve secp256k1 is not supported; use P-256, P-384, P-521',
      },
    ])('of a kind HAProxy is not given ($desc)', ({ pem, reason }) => {
      expect(rejection(() => readCertificateBundle(ec.certificatePem, pem(), NOW), 'the bundle')).toBe(key(reason));
    });

    it.each([
      { desc: "another certificate's key of the same type", pem: () => chained.privateKeyPem },
      { desc: 'a key of another type', pem: () => rsa.privateKeyPem },
    ])("that is not the leaf's: $desc", ({ pem }) => {
      expect(rejection(() => readCertificateBundle(ec.certificatePem, pem(), NOW), 'the bundle')).toBe(
        key('the private key does not match the certificate (the first of the chain)'),
      );
    });
  });

  describe('sealCertificateBundle', () => {
    it('seals the key into the material events carry, which the catalogue describes and only the ring opens', () => {
      const ring = loadKeyRing(join(dir, 'secret.key'));
      const bundle = readCertificateBundle(chained.certificatePem, chained.privateKeyPem, NOW);
      const material = sealCertificateBundle(bundle, ring);
      const { privateKey: _plain, ...everythingElse } = bundle;
      expect(material).toEqual({
        kind: 'server',
        ...everythingElse,
        privateKey: {
          algorithm: 'AES-256-GCM',
          keyId: ring.current.id,
          iv: expect.any(String),
          tag: expect.any(String),
          ciphertext: expect.any(String),
        },
      });
      expect(openSecret(material.privateKey, ring)).toBe(bundle.privateKey);
      expect(JSON.stringify(material)).not.toContain(bundle.privateKey.split('\n')[1]);
      const data = { certificateId: 'cert-1', tenantId: 'tenant-a', name: 'www', description: '', ...material };
      expect(catalogueMismatches({ type: 'CertificateCreated', version: 2, data })).toEqual([]);
    });
  });
});
