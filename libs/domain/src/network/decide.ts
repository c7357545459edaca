import { AGGREGATE_KIND } from '../envelope';
import { Conflict, ValidationError } from '../errors';
import { cidrsOverlap, parseCidr } from '../ipv4';
import { live } from '../lifecycle';
import type { AttachSubnet, CreateNetwork, DeleteNetwork, DetachSubnet, NetworkCommand, UpdateNetwork } from './commands';
import type { NetworkCreated, NetworkDeleted, NetworkEvent, NetworkSubnetAttached, NetworkSubnetDetached, NetworkUpdated } from './events';
import type { NetworkState } from './state';

const KIND = AGGREGATE_KIND.network;

const createNetwork = ({ data }: CreateNetwork, state: NetworkState): [NetworkCreated] => {
  if (state.kind !== 'absent') throw new Conflict('NetworkExists', `Network ${data.networkId} already exists.`);
  return [{ type: 'NetworkCreated', version: 1, data }];
};

const updateNetwork = ({ data }: UpdateNetwork, state: NetworkState): [NetworkUpdated] => {
  const net = live(state, KIND, data.networkId);
  return [
    {
      type: 'NetworkUpdated',
      version: 1,
      data: {
        networkId: net.id,
        name: data.name ?? net.name,
        adminStateUp: data.adminStateUp ?? net.adminStateUp,
        shared: data.shared ?? net.shared,
      },
    },
  ];
};

/** Attaching the same subnet again is a no-op, so an interrupted subnet creation can be retried. */
const attachSubnet = ({ data }: AttachSubnet, state: NetworkState): NetworkSubnetAttached[] => {
  const net = live(state, KIND, data.networkId);
  if (net.subnets.some((s) => s.subnetId === data.subnetId)) return [];
  const wanted = parseCidr(data.cidr);
  if (net.subnets.some((s) => cidrsOverlap(parseCidr(s.cidr), wanted))) {
    throw new ValidationError(
      `Invalid input for operation: Requested subnet with cidr: ${data.cidr} for network: ${net.id} overlaps with another subnet.`,
      'InvalidInput',
    );
  }
  return [{ type: 'NetworkSubnetAttached', version: 1, data }];
};

const detachSubnet = ({ data }: DetachSubnet, state: NetworkState): NetworkSubnetDetached[] => {
  const net = live(state, KIND, data.networkId);
  return net.subnets.some((s) => s.subnetId === data.subnetId) ? [{ type: 'NetworkSubnetDetached', version: 1, data }] : [];
};

const deleteNetwork = ({ data }: DeleteNetwork, state: NetworkState): [NetworkDeleted] => {
  const net = live(state, KIND, data.networkId);
  if (net.subnets.length > 0) {
    throw new Conflict(
      'NetworkInUse',
      `Unable to complete operation on network ${net.id}. There are one or more subnets in use on the network.`,
    );
  }
  return [{ type: 'NetworkDeleted', version: 1, data: { networkId: net.id } }];
};

export function decideNetwork(command: NetworkCommand, state: NetworkState): NetworkEvent[] {
  switch (command.type) {
    case 'CreateNetwork':
      return createNetwork(command, state);
    case 'UpdateNetwork':
      return updateNetwork(command, state);
    case 'AttachSubnet':
      return attachSubnet(command, state);
    case 'DetachSubnet':
      return detachSubnet(command, state);
    case 'DeleteNetwork':
      return deleteNetwork(command, state);
    default: {
      const unhandled: never = command;
      throw new Error(`unknown command ${JSON.stringify(unhandled)}`);
    }
  }
}
