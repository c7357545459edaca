import { catalogueMismatches, ValidationError } from '@lbaas/domain';
import { rejection } from '../test/rejection';
import { type IssuedCertificate, makeTestCa, OPENSSL_BIN, type TestCa } from '@lbaas/testing';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { readRevocationLists } from './revocation-list';

const NOW = new Date();
const DER_OF = (pem: string) => Buffer.from(pem.replace(/-----[A-Z0-9 ]+-----/g, '').replace(/\s+/g, ''), 'base64');
const pemOf = (der: Buffer) => `-----BEGIN X509 CRL-----\n${der.toString('base64')}\n-----END X509 CRL-----\n`;

describe('readRevocationLists', () => {
  let dir: string;
  let ca: TestCa;
  let other: TestCa;
  let revoked: IssuedCertificate;
  let list: string;
  let empty: string;
  let expired: string;
  /** What `openssl crl` prints of a list: its own reading, to compare ours with. */
  const opensslSays = (pem: string, ...args: string[]) => {
    const path = join(dir, `read-${createHash('sha256').update(pem).digest('hex').slice(0, 8)}.crl`);
    writeFileSync(path, pem);
    return execFileSync(OPENSSL_BIN, ['crl', '-noout', '-in', path, ...args], { encoding: 'utf8' });
  };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lbaas-revocation-list-'));
    [ca, other] = await Promise.all([makeTestCa(join(dir, 'ca')), makeTestCa(join(dir, 'other'))]);
    empty = await other.revocationList([]);
    revoked = await ca.issue([], { commonName: 'revoked.lbaas.test', client: true });
    list = await ca.revocationList([revoked]);
    expired = await ca.revocationList([], { expired: true });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('takes a list, with what reads show of it, as openssl reads it', () => {
    const material = readRevocationLists(list, NOW);
    expect(material).toEqual({
      kind: 'crl',
      certificate: expect.stringMatching(/^-----BEGIN X509 CRL-----\n/),
      fingerprint: createHash('sha256').update(DER_OF(list)).digest('hex'),
      subject: 'LBaaS Test Root CA',
      hostnames: [],
      notBefore: expect.any(String),
      notAfter: expect.any(String),
    });
    // The re-armoured PEM is the same DER, and openssl reads it with the same dates.
    expect(DER_OF(material.certificate).equals(DER_OF(list))).toBe(true);
    expect(material.certificate.split('\n').every((line) => line.length <= 64)).toBe(true);
    const dates = opensslSays(material.certificate, '-lastupdate', '-nextupdate', '-dateopt', 'iso_8601');
    const [last, next] = [/lastUpdate=(.+)/, /nextUpdate=(.+)/].map((re) =>
      new Date(re.exec(dates)?.[1]?.replace(' ', 'T') ?? '').toISOString(),
    );
    expect({ notBefore: material.notBefore, notAfter: material.notAfter }).toEqual({ notBefore: last, notAfter: next });
    const data = { certificateId: 'c', tenantId: 't', name: 'crl', description: '', ...material, privateKey: null };
    expect(catalogueMismatches({ type: 'CertificateCreated', version: 2, data })).toEqual([]);
  });

  it('takes a list without revoked certificates, and two lists as one material', () => {
    expect(readRevocationLists(empty, NOW).subject).toBe('LBaaS Test Root CA');
    const both = readRevocationLists(`${list}\n${empty}`, NOW);
    expect(both.fingerprint).toBe(createHash('sha256').update(DER_OF(list)).update(DER_OF(empty)).digest('hex'));
    expect(both.certificate.match(/BEGIN X509 CRL/g)).toHaveLength(2);
  });

  it.each([
    {
      desc: 'a list past its nextUpdate',
      pem: () => expired,
      message: /revocation list 1 \('LBaaS Test Root CA'\) is past its nextUpdate, \d{4}-.*; every client certificate would be refused/,
    },
    { desc: 'a certificate', pem: () => ca.certificatePem, message: /holds a CERTIFICATE PEM block; only revocation lists/ },
    {
      desc: 'a private key',
      pem: () => `${list}-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n`,
      message: /holds a private key, which a revocation list never has/,
    },
    { desc: 'no PEM at all', pem: () => 'hello', message: /no PEM revocation list/ },
    {
      desc: 'a body that is not base64',
      pem: () => '-----BEGIN X509 CRL-----\n%%%%\n-----END X509 CRL-----\n',
      message: /revocation list 1 is not an X\.509 CRL: its body is not base64/,
    },
    {
      desc: 'a truncated list',
      pem: () => pemOf(DER_OF(list).subarray(0, 40)),
      message: /revocation list 1 is not an X\.509 CRL: an element at byte 0 claims \d+ bytes, more than it holds/,
    },
    { desc: 'trailing bytes', pem: () => pemOf(Buffer.concat([DER_OF(list), Buffer.from([0, 0])])), message: /2 bytes follow the element/ },
    {
      desc: 'a list in the second block that does not parse',
      pem: () => `${list}${pemOf(Buffer.from([0x30, 0x00]))}`,
      message: /revocation list 2 is not an X\.509 CRL/,
    },
    { desc: '11 lists', pem: () => list.repeat(11), message: /11 PEM blocks, more than the 10 revocation lists/ },
  ])('refuses $desc', ({ pem, message }) => {
    const text = rejection(() => readRevocationLists(pem(), NOW), 'the list');
    expect(text).toMatch(/^Invalid input for certificate\. Reason: /);
    expect(text).toMatch(message);
  });

  it('refuses any corruption of a list with a 400, never another error', () => {
    const der = DER_OF(list);
    fc.assert(
      fc.property(fc.nat(der.length - 1), fc.integer({ min: 0, max: 255 }), fc.nat(der.length), (at, byte, cut) => {
        const bent = Buffer.from(der);
        bent[at] = byte;
        for (const candidate of [bent, bent.subarray(0, cut)]) {
          try {
            readRevocationLists(pemOf(candidate), NOW);
          } catch (error) {
            expect(error).toBeInstanceOf(ValidationError);
          }
        }
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(() => readRevocationLists(pemOf(Buffer.from(bytes)), NOW)).toThrow(ValidationError);
      }),
      { numRuns: 300 },
    );
  });
});
