import { ABSENT, type Lifecycle } from '../lifecycle';
import type { FloatingIpCreated } from './events';

export type FloatingIpState = Lifecycle<Omit<FloatingIpCreated['data'], 'floatingIpId'> & { id: string }>;

export const initialFloatingIpState: FloatingIpState = ABSENT;
