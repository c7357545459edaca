import { ABSENT, type Lifecycle } from '../lifecycle';
import type { CertificateKind, CertificateMaterial } from './events';

export type CertificateState = Lifecycle<
  Omit<CertificateMaterial, 'kind'> & {
    id: string;
    tenantId: string;
    name: string;
    description: string;
    /** The material's kind; `kind` itself is the lifecycle's. */
    certificateKind: CertificateKind;
    /** The VIPs that use it: a certificate in use cannot be deleted (409 CertificateInUse). */
    vipIds: string[];
  }
>;
export type LiveCertificate = Extract<CertificateState, { kind: 'live' }>;

export const initialCertificateState: CertificateState = ABSENT;
