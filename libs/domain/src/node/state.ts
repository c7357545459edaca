import { ABSENT, type Lifecycle } from '../lifecycle';

export type NodeState = Lifecycle<{ id: string; alive: boolean; lostSilenceMs: number | null; zone: string | null }>;

export const initialNodeState: NodeState = ABSENT;
