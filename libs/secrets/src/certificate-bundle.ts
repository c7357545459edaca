import { type CertificateMaterial, type SealedSecret, ValidationError } from '@lbaas/domain';
import { createHash, createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { type KeyRing, sealSecret } from './key-ring';
import { badCertificate, checkPemSize, MAX_PEM_BYTES, pemBlocks, quoted } from './pem';

/** A certificate chain and its private key as a tenant sent them, validated and normalized; the key is still in plain text. */
export interface CertificateBundle {
  /** PEM: the leaf, then each certificate of its chain, each issuing the one before; nothing else. */
  readonly certificate: string;
  /** PEM, PKCS#8, unencrypted. Seal it (`sealCertificateBundle`) before it goes anywhere. */
  readonly privateKey: string;
  /** SHA-256 of the leaf's DER, lower-case hex. */
  readonly fingerprint: string;
  /** The leaf's common name, or its whole subject when it has none. */
  readonly subject: string;
  /** The leaf's DNS subject alternative names; its common name when it has no subject alternative names and the name is a host name. */
  readonly hostnames: string[];
  readonly notBefore: string;
  readonly notAfter: string;
}

export const MAX_CHAIN_CERTIFICATES = 10;
/** What HAProxy on Debian loads at OpenSSL's default security level. */
const EC_CURVES: Readonly<Record<string, string>> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };
const MIN_RSA_BITS = 2048;
/** A key, the EC parameters `openssl ecparam -genkey` writes before it, and room for a mistake that gets a clearer message. */
const MAX_KEY_BLOCKS = 4;
/** A DNS host name, or a wildcard for one level: hostnames may reach HAProxy's configuration, so nothing else passes. */
const HOST_NAME = /^(?=.{1,253}$)(\*\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const badKey = (reason: string) => new ValidationError(`Invalid input for private_key. Reason: ${reason}.`, 'HTTPBadRequest');

function commonName(certificate: X509Certificate): string | undefined {
  return certificate.subject
    .split('\n')
    .find((rdn) => rdn.startsWith('CN='))
    ?.slice(3);
}

/** A certificate's common name, or its whole subject when it has none. */
export const subjectName = (certificate: X509Certificate) => commonName(certificate) ?? certificate.subject.split('\n').join(', ');
const named = (certificate: X509Certificate) => quoted(subjectName(certificate));

function dnsNames(subjectAltName: string): string[] {
  // Node's form: `type:value` entries joined by ", ", a value quoted as JSON when it holds a separator.
  const next = /([A-Za-z][A-Za-z ]*):("(?:[^"\\]|\\.)*"|[^,]*)(?:, |$)/y;
  const names: string[] = [];
  while (next.lastIndex < subjectAltName.length) {
    const entry = next.exec(subjectAltName);
    if (!entry) throw badCertificate(`the subject alternative names of the certificate do not parse: ${quoted(subjectAltName)}`);
    if (entry[1] === 'DNS') names.push(entry[2].startsWith('"') ? (JSON.parse(entry[2]) as string) : entry[2]);
  }
  return names;
}

function hostnames(leaf: X509Certificate): string[] {
  if (leaf.subjectAltName === undefined) {
    const cn = commonName(leaf);
    return cn !== undefined && HOST_NAME.test(cn) ? [cn] : [];
  }
  const names = dnsNames(leaf.subjectAltName);
  const invalid = names.find((name) => !HOST_NAME.test(name));
  if (invalid !== undefined) throw badCertificate(`the subject alternative name ${quoted(invalid)} is not a DNS host name`);
  return names;
}

function readCertificates(certificatePem: string, now: Date): X509Certificate[] {
  checkPemSize(certificatePem);
  const blocks = pemBlocks(
    certificatePem,
    badCertificate,
    MAX_CHAIN_CERTIFICATES,
    (n) => `it holds ${n} PEM blocks, more than the ${MAX_CHAIN_CERTIFICATES} certificates a chain may have`,
  );
  const foreign = blocks.find((b) => b.label !== 'CERTIFICATE');
  if (foreign?.label.endsWith('PRIVATE KEY'))
    throw badCertificate('it holds a private key, which is sent as private_key, never with the certificate');
  if (foreign) throw badCertificate(`it holds a ${foreign.label} PEM block; only certificates (-----BEGIN CERTIFICATE-----) are allowed`);
  if (blocks.length === 0) throw badCertificate('no PEM certificate (-----BEGIN CERTIFICATE-----) was found');
  const certificates = blocks.map((block, i) => {
    try {
      return new X509Certificate(block.text);
    } catch {
      throw badCertificate(`certificate ${i + 1} of the chain is not an X.509 certificate`);
    }
  });
  for (let i = 1; i < certificates.length; i++) {
    const [subject, issuer] = [certificates[i - 1], certificates[i]];
    if (!issuedBy(subject, issuer)) {
      throw badCertificate(
        `certificate ${i + 1} of the chain (${named(issuer)}) did not issue certificate ${i} (${named(subject)}): send the leaf first, then each certificate that issued the one before it`,
      );
    }
  }
  // Not yet valid is accepted: a replacement may be staged before its validity starts.
  certificates.forEach((certificate, i) => {
    const notAfter = new Date(certificate.validTo);
    if (notAfter.getTime() >= now.getTime()) return;
    const which = i === 0 ? 'the certificate' : `certificate ${i + 1} of the chain (${named(certificate)})`;
    throw badCertificate(`${which} expired on ${notAfter.toISOString()}`);
  });
  return certificates;
}

function issuedBy(subject: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return subject.checkIssued(issuer) && subject.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

function readPrivateKey(privateKeyPem: string, leaf: X509Certificate): KeyObject {
  const bytes = Buffer.byteLength(privateKeyPem, 'utf8');
  if (bytes > MAX_PEM_BYTES) throw badKey(`it is ${bytes} bytes, more than the ${MAX_PEM_BYTES} allowed`);
  const blocks = pemBlocks(
    privateKeyPem,
    badKey,
    MAX_KEY_BLOCKS,
    (n) => `it holds ${n} PEM blocks; send the private key of the certificate alone`,
  ).filter((b) => b.label.endsWith('PRIVATE KEY'));
  if (blocks.length === 0) throw badKey('no PEM private key (-----BEGIN PRIVATE KEY-----) was found');
  if (blocks.length > 1) throw badKey(`it holds ${blocks.length} private keys; send the one of the certificate`);
  const [block] = blocks;
  const encrypted = () =>
    badKey(
      "the private key is encrypted with a passphrase; send it unencrypted (it is sealed with the deployment's key before it is stored)",
    );
  if (block.label === 'ENCRYPTED PRIVATE KEY' || /^Proc-Type:.*ENCRYPTED/m.test(block.text)) throw encrypted();
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: block.text, format: 'pem' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_MISSING_PASSPHRASE') throw encrypted();
    throw badKey('the private key does not parse');
  }
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') {
    if ((details.modulusLength ?? 0) < MIN_RSA_BITS)
      throw badKey(`an RSA key of ${details.modulusLength} bits is too short; it needs at least ${MIN_RSA_BITS}`);
  } else if (key.asymmetricKeyType === 'ec') {
    if (EC_CURVES[details.namedCurve ?? ''] === undefined) {
      throw badKey(`an EC key on curve ${details.namedCurve} is not supported; use ${Object.values(EC_CURVES).join(', ')}`);
    }
  } else {
    throw badKey(`keys of type ${key.asymmetricKeyType} are not supported; send an RSA or EC key`);
  }
  if (!leaf.checkPrivateKey(key)) throw badKey('the private key does not match the certificate (the first of the chain)');
  return key;
}

/**
 * Validates a certificate chain and its private key as a tenant sent them, at `now`, and
 * normalizes both. Throws ValidationError (HTTPBadRequest) with a Neutron-style message for
 * what is not PEM, a chain out of order, longer than 10 certificates or 64 KiB, an expired
 * certificate (a leaf not yet valid is accepted), and a key that is encrypted, neither RSA nor
 * EC, too weak or not the leaf's.
 */
export function readCertificateBundle(certificatePem: string, privateKeyPem: string, now: Date): CertificateBundle {
  const certificates = readCertificates(certificatePem, now);
  const [leaf] = certificates;
  const names = hostnames(leaf);
  const key = readPrivateKey(privateKeyPem, leaf);
  return {
    certificate: certificates.map((c) => c.toString()).join(''),
    privateKey: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
    fingerprint: createHash('sha256').update(leaf.raw).digest('hex'),
    subject: subjectName(leaf),
    hostnames: names,
    notBefore: new Date(leaf.validFrom).toISOString(),
    notAfter: new Date(leaf.validTo).toISOString(),
  };
}

/** The bundle as events carry it: the private key sealed with the ring's current key, everything else as it is. */
export function sealCertificateBundle(
  bundle: CertificateBundle,
  ring: KeyRing,
): CertificateMaterial & { kind: 'server'; privateKey: SealedSecret } {
  return { kind: 'server', ...bundle, hostnames: [...bundle.hostnames], privateKey: sealSecret(bundle.privateKey, ring) };
}
