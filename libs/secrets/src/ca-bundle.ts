import type { CertificateMaterial } from '@lbaas/domain';
import { createHash, X509Certificate } from 'node:crypto';
import { subjectName } from './certificate-bundle';
import { badCertificate, checkPemSize, pemBlocks, quoted } from './pem';

export const MAX_CA_CERTIFICATES = 50;

/**
 * Validates a bundle of CA certificates (PEM, at most 50 in 64 KiB) a tenant sent as a `ca`
 * certificate, at `now`: each must parse as X.509, say CA:TRUE in its basic constraints and not
 * have expired (one not yet valid is taken, so a new CA can be staged). Their order is free:
 * HAProxy reads them as a set of trust anchors.
 */
export function readCaBundle(pem: string, now: Date): Omit<CertificateMaterial, 'privateKey'> & { kind: 'ca' } {
  checkPemSize(pem);
  const blocks = pemBlocks(
    pem,
    badCertificate,
    MAX_CA_CERTIFICATES,
    (n) => `it holds ${n} PEM blocks, more than the ${MAX_CA_CERTIFICATES} certificates a CA bundle may have`,
  );
  const foreign = blocks.find((b) => b.label !== 'CERTIFICATE');
  if (foreign?.label.endsWith('PRIVATE KEY'))
    throw badCertificate("it holds a private key; a CA bundle is the CA certificates alone, and the CA's key stays with its owner");
  if (foreign) throw badCertificate(`it holds a ${foreign.label} PEM block; only certificates (-----BEGIN CERTIFICATE-----) are allowed`);
  if (blocks.length === 0) throw badCertificate('no PEM certificate (-----BEGIN CERTIFICATE-----) was found');
  const certificates = blocks.map((block, i) => {
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(block.text);
    } catch {
      throw badCertificate(`certificate ${i + 1} of the bundle is not an X.509 certificate`);
    }
    const which = `certificate ${i + 1} of the bundle (${quoted(subjectName(certificate))})`;
    if (!certificate.ca) throw badCertificate(`${which} is not a CA certificate: its basic constraints do not say CA:TRUE`);
    const notAfter = new Date(certificate.validTo);
    if (notAfter.getTime() < now.getTime()) throw badCertificate(`${which} expired on ${notAfter.toISOString()}`);
    return certificate;
  });
  const hash = createHash('sha256');
  for (const certificate of certificates) hash.update(certificate.raw);
  const times = (pick: (c: X509Certificate) => string) => certificates.map((c) => new Date(pick(c)).getTime());
  return {
    kind: 'ca',
    certificate: certificates.map((c) => c.toString()).join(''),
    fingerprint: hash.digest('hex'),
    subject: subjectName(certificates[0]),
    hostnames: [],
    notBefore: new Date(Math.max(...times((c) => c.validFrom))).toISOString(),
    notAfter: new Date(Math.min(...times((c) => c.validTo))).toISOString(),
  };
}
