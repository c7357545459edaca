import { AGGREGATE_KIND } from '../envelope';
import { Conflict } from '../errors';
import { live } from '../lifecycle';
import type { AssociateFloatingIp, CreateFloatingIp, DeleteFloatingIp, DisassociateFloatingIp, FloatingIpCommand } from './commands';
import type { FloatingIpCreated, FloatingIpDeleted, FloatingIpDisassociated, FloatingIpEvent } from './events';
import type { FloatingIpState } from './state';

const KIND = AGGREGATE_KIND.floatingip;

const createFloatingIp = ({ data }: CreateFloatingIp, state: FloatingIpState): [FloatingIpCreated] => {
  if (state.kind !== 'absent') throw new Conflict('FloatingIPExists', `Floating IP ${data.floatingIpId} already exists.`);
  return [{ type: 'FloatingIpCreated', version: 1, data }];
};

const released = (fip: { id: string; portId: string | null }): FloatingIpDisassociated[] =>
  fip.portId === null ? [] : [{ type: 'FloatingIpDisassociated', version: 1, data: { floatingIpId: fip.id, portId: fip.portId } }];

const associateFloatingIp = ({ data }: AssociateFloatingIp, state: FloatingIpState): FloatingIpEvent[] => {
  const fip = live(state, KIND, data.floatingIpId);
  if (fip.portId === data.portId && fip.fixedIpAddress === data.fixedIpAddress) return [];
  return [...released(fip), { type: 'FloatingIpAssociated', version: 1, data }];
};

/** Disassociating a floating IP that forwards nowhere is a no-op (Neutron answers 200 too). */
const disassociateFloatingIp = ({ data }: DisassociateFloatingIp, state: FloatingIpState): FloatingIpDisassociated[] =>
  released(live(state, KIND, data.floatingIpId));

const deleteFloatingIp = ({ data }: DeleteFloatingIp, state: FloatingIpState): [FloatingIpDeleted] => {
  live(state, KIND, data.floatingIpId);
  return [{ type: 'FloatingIpDeleted', version: 1, data }];
};

export function decideFloatingIp(command: FloatingIpCommand, state: FloatingIpState): FloatingIpEvent[] {
  switch (command.type) {
    case 'CreateFloatingIp':
      return createFloatingIp(command, state);
    case 'AssociateFloatingIp':
      return associateFloatingIp(command, state);
    case 'DisassociateFloatingIp':
      return disassociateFloatingIp(command, state);
    case 'DeleteFloatingIp':
      return deleteFloatingIp(command, state);
    default: {
      const unhandled: never = command;
      throw new Error(`unknown command ${JSON.stringify(unhandled)}`);
    }
  }
}
