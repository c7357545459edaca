import { ABSENT, type Lifecycle } from '../lifecycle';
import type { LbStatus } from '../resources';
import type { VipCreated } from './events';

export type VipState = Lifecycle<
  Omit<VipCreated['data'], 'vipId'> & {
    id: string;
    status: LbStatus;
    statusDescription: string | null;
    /** The certificate it terminates TLS with (HTTP VIPs only), or null. */
    tlsCertificateId: string | null;
  }
>;

export const initialVipState: VipState = ABSENT;
