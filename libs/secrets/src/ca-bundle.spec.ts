import { catalogueMismatches } from '@lbaas/domain';
import { rejection } from '../test/rejection';
import { type IssuedCertificate, makeTestCa, type TestCa } from '@lbaas/testing';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCaBundle } from './ca-bundle';

const NOW = new Date();

describe('readCaBundle', () => {
  let dir: string;
  let ca: TestCa;
  let other: TestCa;
  let leaf: IssuedCertificate;
  let chained: IssuedCertificate;
  let expiredIntermediate: IssuedCertificate;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lbaas-ca-bundle-'));
    [ca, other] = await Promise.all([makeTestCa(join(dir, 'ca')), makeTestCa(join(dir, 'other'))]);
    [leaf, chained, expiredIntermediate] = await Promise.all([
      ca.issue(['www.example.test']),
      ca.issue(['chain.example.test'], { intermediate: true }),
      ca.issue(['old.example.test'], { intermediateExpired: true }),
    ]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('takes one root, with what reads show of it', () => {
    const root = new X509Certificate(ca.certificatePem);
    const material = readCaBundle(ca.certificatePem, NOW);
    expect(material).toEqual({
      kind: 'ca',
      certificate: ca.certificatePem,
      fingerprint: root.fingerprint256.replace(/:/g, '').toLowerCase(),
      subject: 'LBaaS Test Root CA',
      hostnames: [],
      notBefore: new Date(root.validFrom).toISOString(),
      notAfter: new Date(root.validTo).toISOString(),
    });
    const data = { certificateId: 'c', tenantId: 't', name: 'ca', description: '', ...material, privateKey: null };
    expect(catalogueMismatches({ type: 'CertificateCreated', version: 2, data })).toEqual([]);
  });

  it('takes several CAs in any order, fingerprinted as a whole and valid while all of them are', () => {
    const intermediate = chained.certificatePem.slice(chained.certificatePem.indexOf('-----END CERTIFICATE-----\n') + 26);
    const bundle = `${intermediate}${other.certificatePem}\n\n${ca.certificatePem}`;
    const material = readCaBundle(bundle, NOW);
    expect(material.certificate).toBe(`${intermediate}${other.certificatePem}${ca.certificatePem}`);
    const hash = createHash('sha256');
    for (const pem of [intermediate, other.certificatePem, ca.certificatePem]) hash.update(new X509Certificate(pem).raw);
    expect(material.fingerprint).toBe(hash.digest('hex'));
    expect(material.subject).toBe('LBaaS Test Intermediate CA');
    const ends = [intermediate, other.certificatePem, ca.certificatePem].map((p) => new Date(new X509Certificate(p).validTo).getTime());
    expect(material.notAfter).toBe(new Date(Math.min(...ends)).toISOString());
    // Another order is other material: the agents write another file.
    expect(readCaBundle(`${ca.certificatePem}${other.certificatePem}`, NOW).fingerprint).not.toBe(
      readCaBundle(`${other.certificatePem}${ca.certificatePem}`, NOW).fingerprint,
    );
  });

  it.each([
    {
      desc: 'a leaf, which is no CA',
      pem: () => leaf.certificatePem,
      message: /certificate 1 of the bundle \('www\.example\.test'\) is not a CA certificate: its basic constraints do not say CA:TRUE/,
    },
    {
      desc: 'a CA and a leaf',
      pem: () => ca.certificatePem + leaf.certificatePem,
      message: /certificate 2 of the bundle .* is not a CA certificate/,
    },
    {
      desc: 'an expired CA',
      pem: () => expiredIntermediate.certificatePem.slice(expiredIntermediate.certificatePem.indexOf('-----END CERTIFICATE-----\n') + 26),
      message: /certificate 1 of the bundle \('LBaaS Test Intermediate CA \(expired\)'\) expired on \d{4}-/,
    },
    {
      desc: "the CA's key beside it",
      pem: () => ca.certificatePem + readFileSync(ca.keyPath, 'utf8'),
      message: /holds a private key; a CA bundle is the CA certificates alone/,
    },
    {
      desc: 'a revocation list',
      pem: () => '-----BEGIN X509 CRL-----\nMIIB\n-----END X509 CRL-----\n',
      message: /holds a X509 CRL PEM block; only certificates/,
    },
    { desc: 'no PEM at all', pem: () => 'hello', message: /no PEM certificate/ },
    {
      desc: 'a block that is no certificate',
      pem: () => '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
      message: /certificate 1 of the bundle is not an X\.509 certificate/,
    },
    { desc: 'a block without its end', pem: () => ca.certificatePem.slice(0, -30), message: /a PEM block has no -----END line/ },
    {
      desc: '51 certificates',
      pem: () => ca.certificatePem.repeat(51),
      message: /51 PEM blocks, more than the 50 certificates a CA bundle may have/,
    },
    {
      desc: 'more than 64 KiB',
      pem: () => `${'#'.repeat(65 * 1024)}\n${ca.certificatePem}`,
      message: /bytes, more than the 65536 allowed/,
    },
  ])('refuses $desc', ({ pem, message }) => {
    const text = rejection(() => readCaBundle(pem(), NOW), 'the bundle');
    expect(text).toMatch(/^Invalid input for certificate\. Reason: /);
    expect(text).toMatch(message);
  });
});
