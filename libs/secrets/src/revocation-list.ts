import type { CertificateMaterial } from '@lbaas/domain';
import { createHash } from 'node:crypto';
import { childrenOf, type Der, DerError, oidOf, readWhole, stringOf, TAG, timeOf } from './der';
import { badCertificate, checkPemSize, derOf, pemBlocks, pemOf, quoted } from './pem';

export const MAX_REVOCATION_LISTS = 10;

/** Short names of the attributes CA names use, as OpenSSL prints them. */
const ATTRIBUTE_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

interface RevocationList {
  readonly der: Buffer;
  readonly issuer: string;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date | null;
}

function expect(element: Der | undefined, tag: number, what: string): Der {
  if (element?.tag !== tag) throw new DerError(`${what} is missing or of the wrong type`);
  return element;
}

/** The issuer as the certificates' subjects are shown: its common name, or every attribute when it has none. */
function nameOf(der: Buffer, name: Der): string {
  const attributes = childrenOf(der, name).flatMap((rdn) =>
    childrenOf(der, expect(rdn, TAG.set, 'a relative distinguished name')).map((pair) => {
      const [type, value] = childrenOf(der, expect(pair, TAG.sequence, 'a name attribute'));
      if (type === undefined || value === undefined) throw new DerError('a name attribute is incomplete');
      const oid = oidOf(der, type);
      return { name: ATTRIBUTE_NAMES[oid] ?? oid, value: stringOf(der, value) };
    }),
  );
  return attributes.find((a) => a.name === 'CN')?.value ?? attributes.map((a) => `${a.name}=${a.value}`).join(', ');
}

/** RFC 5280's CertificateList: TBSCertList, signatureAlgorithm, signatureValue; the TBS's fields in their order. */
function parseRevocationList(der: Buffer): RevocationList {
  const list = expect(readWhole(der), TAG.sequence, 'the CertificateList');
  const [tbs, algorithm, signature, ...extra] = childrenOf(der, list);
  expect(tbs, TAG.sequence, 'the TBSCertList');
  expect(algorithm, TAG.sequence, 'the signature algorithm');
  expect(signature, TAG.bitString, 'the signature');
  if (extra.length > 0) throw new DerError('the CertificateList has more than three parts');
  const fields = childrenOf(der, tbs);
  let at = 0;
  if (fields[at]?.tag === TAG.integer) {
    const version = der.subarray(fields[at].contentStart, fields[at].end);
    if (version.length !== 1 || version[0] !== 1) throw new DerError('the version is not v2');
    at++;
  }
  expect(fields[at++], TAG.sequence, 'the TBS signature algorithm');
  const issuer = nameOf(der, expect(fields[at++], TAG.sequence, 'the issuer'));
  const thisUpdate = fields[at++];
  if (thisUpdate === undefined) throw new DerError('thisUpdate is missing');
  const next = fields[at];
  const nextUpdate = next?.tag === TAG.utcTime || next?.tag === TAG.generalizedTime ? timeOf(der, next) : null;
  if (nextUpdate !== null) at++;
  if (fields[at]?.tag === TAG.sequence) {
    for (const entry of childrenOf(der, fields[at])) expect(entry, TAG.sequence, 'a revoked certificate entry');
    at++;
  }
  if (fields[at]?.tag === TAG.context0) at++;
  if (at !== fields.length) throw new DerError('the TBSCertList holds fields after its extensions');
  return { der, issuer, thisUpdate: timeOf(der, thisUpdate), nextUpdate };
}

/**
 * Validates the certificate revocation lists (PEM `X509 CRL` blocks, at most 10 in 64 KiB) a
 * tenant sent as a `crl` certificate, at `now`: each must parse as an RFC 5280 CertificateList
 * with a nextUpdate still ahead (OpenSSL, and so HAProxy, refuses every client certificate it
 * checks against a list past it). The signature is OpenSSL's to check, against the CA it is used with.
 */
export function readRevocationLists(pem: string, now: Date): Omit<CertificateMaterial, 'privateKey'> & { kind: 'crl' } {
  checkPemSize(pem);
  const blocks = pemBlocks(
    pem,
    badCertificate,
    MAX_REVOCATION_LISTS,
    (n) => `it holds ${n} PEM blocks, more than the ${MAX_REVOCATION_LISTS} revocation lists a crl certificate may have`,
  );
  const foreign = blocks.find((b) => b.label !== 'X509 CRL');
  if (foreign?.label.endsWith('PRIVATE KEY')) throw badCertificate('it holds a private key, which a revocation list never has');
  if (foreign) throw badCertificate(`it holds a ${foreign.label} PEM block; only revocation lists (-----BEGIN X509 CRL-----) are allowed`);
  if (blocks.length === 0) throw badCertificate('no PEM revocation list (-----BEGIN X509 CRL-----) was found');
  const lists = blocks.map((block, i) => {
    const der = derOf(block);
    try {
      if (der === null) throw new DerError('its body is not base64');
      return parseRevocationList(der);
    } catch (error) {
      if (!(error instanceof DerError)) throw error;
      throw badCertificate(`revocation list ${i + 1} is not an X.509 CRL: ${error.message}`);
    }
  });
  lists.forEach((list, i) => {
    const which = `revocation list ${i + 1} (${quoted(list.issuer)})`;
    if (list.nextUpdate === null) throw badCertificate(`${which} has no nextUpdate, which RFC 5280 requires of every CRL`);
    if (list.nextUpdate.getTime() < now.getTime())
      throw badCertificate(
        `${which} is past its nextUpdate, ${list.nextUpdate.toISOString()}; every client certificate would be refused with it`,
      );
  });
  const hash = createHash('sha256');
  for (const list of lists) hash.update(list.der);
  const times = (pick: (l: RevocationList) => Date) => lists.map((l) => pick(l).getTime());
  return {
    kind: 'crl',
    certificate: lists.map((l) => pemOf('X509 CRL', l.der)).join(''),
    fingerprint: hash.digest('hex'),
    subject: lists[0].issuer,
    hostnames: [],
    notBefore: new Date(Math.max(...times((l) => l.thisUpdate))).toISOString(),
    notAfter: new Date(Math.min(...times((l) => l.nextUpdate as Date))).toISOString(),
  };
}
