import type { FloatingIpCreated } from './events';

/** The address was allocated on the external subnet (a reservation in the subnet's stream) before this. */
export interface CreateFloatingIp {
  readonly type: 'CreateFloatingIp';
  readonly data: FloatingIpCreated['data'];
}
/** Moves the floating IP to `portId` (Neutron re-associates in one update). */
export interface AssociateFloatingIp {
  readonly type: 'AssociateFloatingIp';
  readonly data: { floatingIpId: string; portId: string; fixedIpAddress: string };
}
export interface DisassociateFloatingIp {
  readonly type: 'DisassociateFloatingIp';
  readonly data: { floatingIpId: string };
}
export interface DeleteFloatingIp {
  readonly type: 'DeleteFloatingIp';
  readonly data: { floatingIpId: string };
}

export type FloatingIpCommand = CreateFloatingIp | AssociateFloatingIp | DisassociateFloatingIp | DeleteFloatingIp;
