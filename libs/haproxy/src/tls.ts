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

/** A `crt` file a haproxy.cfg names. */
export interface TlsCertificateRef {
  readonly path: string;
  /** Null when the file name is not one tlsCertificatePath makes: nothing the node agent can write. */
  readonly certificateId: string | null;
  readonly fingerprintPrefix: string | null;
}

const CRT_FILE = new RegExp(`/${TLS_DIR}/([A-Za-z0-9._-]+)-([0-9a-f]{${FINGERPRINT_PREFIX_LENGTH}})\\.pem$`);

/**
 * Every `crt <path>` of the `bind` lines of a haproxy.cfg, once each in the order of the file,
 * with the certificate id and fingerprint prefix its name carries.
 */
export function tlsCertificatePaths(haproxyCfg: string): TlsCertificateRef[] {
  const refs = new Map<string, TlsCertificateRef>();
  for (const line of haproxyCfg.split('\n')) {
    const words = line.trim().split(/\s+/);
    if (words[0] !== 'bind') continue;
    words.forEach((word, i) => {
      const path = words[i + 1];
      if (word !== 'crt' || path === undefined || refs.has(path)) return;
      const m = CRT_FILE.exec(path);
      refs.set(path, { path, certificateId: m?.[1] ?? null, fingerprintPrefix: m?.[2] ?? null });
    });
  }
  return [...refs.values()];
}
