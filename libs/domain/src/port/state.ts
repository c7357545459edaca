import { ABSENT, type Lifecycle } from '../lifecycle';
import type { PortCreated } from './events';

export type PortState = Lifecycle<Omit<PortCreated['data'], 'portId'> & { id: string }>;

export const initialPortState: PortState = ABSENT;
