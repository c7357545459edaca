import { ABSENT, type Lifecycle } from '../lifecycle';
import type { CertificateCreated } from './events';

export type CertificateState = Lifecycle<
  Omit<CertificateCreated['data'], 'certificateId'> & {
    id: string;
    /** The VIPs that use it: a certificate in use cannot be deleted (409 CertificateInUse). */
    vipIds: string[];
  }
>;
export type LiveCertificate = Extract<CertificateState, { kind: 'live' }>;

export const initialCertificateState: CertificateState = ABSENT;
