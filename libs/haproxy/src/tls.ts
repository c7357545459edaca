/** The directory of a placement's TLS files, under its run directory. */
export const TLS_DIR = 'tls';

/** How many hex digits of the fingerprint name a certificate's file. */
export const FINGERPRINT_PREFIX_LENGTH = 16;

/**
 * Where a placement's HAProxy reads the certificate chain and key of `certificateId`:
 * `<runDir>/tls/<certificateId>-<first 16 hex digits of the fingerprint>.pem`. The fingerprint
 * in the name makes a rotation a change of haproxy.cfg, so the usual seamless reload applies it
 * and the file of the old certificate stays until the new worker serves.
 */
export function tlsCertificatePath(runDir: string, certificateId: string, fingerprint: string): string {
  return `${runDir}/${TLS_DIR}/${certificateId}-${fingerprint.slice(0, FINGERPRINT_PREFIX_LENGTH)}.pem`;
}

/** What a TLS file holds: a certificate chain and its key (`crt`), a CA bundle (`ca-file`) or a revocation list (`crl-file`). */
export const TLS_FILE_KINDS = ['certificate', 'ca', 'crl'] as const;
export type TlsFileKind = (typeof TLS_FILE_KINDS)[number];

/**
 * Where a placement's HAProxy reads a file of `kind` made from `certificateId` at this
 * fingerprint: a certificate's as tlsCertificatePath, a CA's and a revocation list's with
 * `.ca.pem` and `.crl.pem`, so one certificate used both ways gives two files, one with no key.
 */
export function tlsFilePath(runDir: string, kind: TlsFileKind, certificateId: string, fingerprint: string): string {
  const path = tlsCertificatePath(runDir, certificateId, fingerprint);
  return kind === 'certificate' ? path : `${path.slice(0, -'.pem'.length)}.${kind}.pem`;
}
