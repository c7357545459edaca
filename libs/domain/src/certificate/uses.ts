import type { CertificateKind } from './events';

/**
 * Where a certificate is named, by what it must hold there: `server` is a VIP's or listener's
 * certificate, an SNI certificate or a pool's client certificate (each needs the key); `ca` a
 * client CA or a pool's CA; `crl` a listener's or pool's revocation list.
 */
export type CertificateUse = 'server' | 'ca' | 'crl';

// A CA reference took a server certificate before kinds existed (its chain is the CA file), and still does.
const ACCEPTED: Readonly<Record<CertificateUse, readonly CertificateKind[]>> = {
  server: ['server'],
  ca: ['ca', 'server'],
  crl: ['crl'],
};

/** Whether a certificate of `kind` may be named where `use` is asked for. */
export const certificateServes = (use: CertificateUse, kind: CertificateKind): boolean => ACCEPTED[use].includes(kind);
