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
