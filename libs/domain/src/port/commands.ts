import type { PortCreated } from './events';

/** The MAC address is derived from the port id by `decide`, so it is stable across retries and rebuilds. */
export interface CreatePort {
  readonly type: 'CreatePort';
  readonly data: Omit<PortCreated['data'], 'macAddress'>;
}
export interface DeletePort {
  readonly type: 'DeletePort';
  readonly data: { portId: string };
}

export type PortCommand = CreatePort | DeletePort;
