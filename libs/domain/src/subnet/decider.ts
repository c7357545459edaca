import { type Decider, singleRowViews } from '../decider';
import { Conflict, ValidationError } from '../errors';
import { cidrContains, firstHost, intToIp, ipToInt, isIpv4, lastHost, parseCidr } from '../ipv4';
import { ABSENT, DELETED, type Lifecycle, live } from '../lifecycle';
import type { SubnetResource } from '../resources';
import type { SubnetEvent, SubnetSettings } from './events';

export type SubnetState = Lifecycle<SubnetSettings & {
  id: string; tenantId: string; networkId: string; cidr: string; allocationPools: { start: string; end: string }[];
  /** ip address -> owner (a port or a floating IP) */
  allocations: Record<string, string>;
}>;

export type SubnetCommand =
  | { type: 'CreateSubnet'; data: Partial<SubnetSettings> & { subnetId: string; tenantId: string; networkId: string; cidr: string; allocationPools?: { start: string; end: string }[] } }
  | { type: 'UpdateSubnet'; data: Partial<SubnetSettings> & { subnetId: string } }
  | { type: 'AllocateAddress'; data: { subnetId: string; ownerId: string; ipAddress?: string } }
  | { type: 'ReleaseAddress'; data: { subnetId: string; ownerId: string } }
  | { type: 'DeleteSubnet'; data: { subnetId: string } };

const KIND = 'Subnet';

function checkAddress(cidr: string, ip: string, field: string): number {
  if (!isIpv4(ip)) throw new ValidationError(`Invalid input for ${field}. Reason: '${ip}' is not a valid IP address.`, 'InvalidInput');
  const n = ipToInt(ip);
  if (!cidrContains(parseCidr(cidr), n)) {
    throw new ValidationError(`Invalid input for ${field}. Reason: ${ip} is not in subnet ${cidr}.`, 'InvalidInput');
  }
  return n;
}

function createSubnet(data: Extract<SubnetCommand, { type: 'CreateSubnet' }>['data'], state: SubnetState): SubnetEvent[] {
  if (state.kind !== 'absent') throw new Conflict('SubnetExists', `Subnet ${data.subnetId} already exists.`);
  const cidr = parseCidr(data.cidr);
  const gatewayIp = data.gatewayIp === undefined ? intToIp(firstHost(cidr)) : data.gatewayIp;
  const gateway = gatewayIp === null ? null : checkAddress(data.cidr, gatewayIp, 'gateway_ip');
  let pools = data.allocationPools;
  if (pools === undefined || pools.length === 0) {
    const start = gateway === firstHost(cidr) ? firstHost(cidr) + 1 : firstHost(cidr);
    pools = [{ start: intToIp(start), end: intToIp(lastHost(cidr)) }];
  }
  for (const pool of pools) {
    const start = checkAddress(data.cidr, pool.start, 'allocation_pools');
    const end = checkAddress(data.cidr, pool.end, 'allocation_pools');
    if (start > end || start < firstHost(cidr) || end > lastHost(cidr)) {
      throw new ValidationError(`The allocation pool ${pool.start}-${pool.end} spans beyond the subnet cidr ${data.cidr}.`, 'InvalidAllocationPool');
    }
    if (gateway !== null && gateway >= start && gateway <= end) {
      throw new ValidationError(`Gateway ip ${gatewayIp} conflicts with allocation pool ${pool.start}-${pool.end}.`, 'GatewayConflictWithAllocationPools');
    }
  }
  return [{
    type: 'SubnetCreated', version: 1,
    data: {
      subnetId: data.subnetId, tenantId: data.tenantId, networkId: data.networkId, cidr: data.cidr, name: data.name ?? '',
      gatewayIp, allocationPools: pools, enableDhcp: data.enableDhcp ?? true, dnsNameservers: data.dnsNameservers ?? [],
      hostRoutes: data.hostRoutes ?? [],
    },
  }];
}

function allocate(data: Extract<SubnetCommand, { type: 'AllocateAddress' }>['data'], state: SubnetState): SubnetEvent[] {
  const subnet = live(state, KIND, data.subnetId);
  const mine = Object.entries(subnet.allocations).find(([, owner]) => owner === data.ownerId);
  if (mine && (data.ipAddress === undefined || data.ipAddress === mine[0])) return [];
  if (data.ipAddress !== undefined) {
    checkAddress(subnet.cidr, data.ipAddress, 'address');
    if (subnet.allocations[data.ipAddress] !== undefined || data.ipAddress === subnet.gatewayIp) {
      throw new Conflict('IpAddressInUse', `Unable to complete operation for network ${subnet.networkId}. The IP address ${data.ipAddress} is in use.`);
    }
    return [{ type: 'SubnetAddressAllocated', version: 1, data: { subnetId: subnet.id, ipAddress: data.ipAddress, ownerId: data.ownerId } }];
  }
  for (const pool of subnet.allocationPools) {
    for (let n = ipToInt(pool.start); n <= ipToInt(pool.end); n++) {
      const ip = intToIp(n);
      if (subnet.allocations[ip] === undefined && ip !== subnet.gatewayIp) {
        return [{ type: 'SubnetAddressAllocated', version: 1, data: { subnetId: subnet.id, ipAddress: ip, ownerId: data.ownerId } }];
      }
    }
  }
  throw new Conflict('IpAddressGenerationFailure', `No more IP addresses available on subnet ${subnet.id}.`);
}

export function decideSubnet(command: SubnetCommand, state: SubnetState): SubnetEvent[] {
  switch (command.type) {
    case 'CreateSubnet':
      return createSubnet(command.data, state);
    case 'UpdateSubnet': {
      const s = live(state, KIND, command.data.subnetId);
      const gatewayIp = command.data.gatewayIp === undefined ? s.gatewayIp : command.data.gatewayIp;
      if (gatewayIp !== null && gatewayIp !== s.gatewayIp) {
        checkAddress(s.cidr, gatewayIp, 'gateway_ip');
        if (s.allocations[gatewayIp] !== undefined) {
          throw new Conflict('IpAddressInUse', `Unable to complete operation for network ${s.networkId}. The IP address ${gatewayIp} is in use.`);
        }
      }
      return [{
        type: 'SubnetUpdated', version: 1,
        data: {
          subnetId: s.id, name: command.data.name ?? s.name, gatewayIp, enableDhcp: command.data.enableDhcp ?? s.enableDhcp,
          dnsNameservers: command.data.dnsNameservers ?? s.dnsNameservers, hostRoutes: command.data.hostRoutes ?? s.hostRoutes,
        },
      }];
    }
    case 'AllocateAddress':
      return allocate(command.data, state);
    case 'ReleaseAddress': {
      const s = live(state, KIND, command.data.subnetId);
      return Object.entries(s.allocations)
        .filter(([, owner]) => owner === command.data.ownerId)
        .map(([ipAddress]) => ({ type: 'SubnetAddressReleased', version: 1, data: { subnetId: s.id, ipAddress, ownerId: command.data.ownerId } }) as const);
    }
    case 'DeleteSubnet': {
      const s = live(state, KIND, command.data.subnetId);
      if (Object.keys(s.allocations).length > 0) {
        throw new Conflict('SubnetInUse', `Unable to complete operation on subnet ${s.id}: One or more ports have an IP allocation from this subnet.`);
      }
      return [{ type: 'SubnetDeleted', version: 1, data: { subnetId: s.id } }];
    }
    default: {
      const unhandled: never = command;
      throw new Error(`unknown command ${JSON.stringify(unhandled)}`);
    }
  }
}

export function evolveSubnet(state: SubnetState, event: SubnetEvent): SubnetState {
  switch (event.type) {
    case 'SubnetCreated': {
      const { subnetId, ...rest } = event.data;
      return { kind: 'live', id: subnetId, ...rest, allocations: {} };
    }
    case 'SubnetUpdated': {
      if (state.kind !== 'live') return state;
      const { subnetId: _id, ...settings } = event.data;
      return { ...state, ...settings };
    }
    case 'SubnetAddressAllocated':
      return state.kind === 'live' ? { ...state, allocations: { ...state.allocations, [event.data.ipAddress]: event.data.ownerId } } : state;
    case 'SubnetAddressReleased': {
      if (state.kind !== 'live') return state;
      const { [event.data.ipAddress]: _released, ...allocations } = state.allocations;
      return { ...state, allocations };
    }
    case 'SubnetDeleted':
      return DELETED;
    default:
      return state;
  }
}

export function subnetView(state: SubnetState): SubnetResource | null {
  if (state.kind !== 'live') return null;
  return {
    id: state.id, tenant_id: state.tenantId, network_id: state.networkId, name: state.name, ip_version: 4, cidr: state.cidr,
    gateway_ip: state.gatewayIp, allocation_pools: state.allocationPools, enable_dhcp: state.enableDhcp,
    dns_nameservers: state.dnsNameservers, host_routes: state.hostRoutes,
  };
}

export const subnetDecider: Decider<SubnetCommand, SubnetState, SubnetEvent> = {
  aggregate: 'subnet',
  initialState: ABSENT,
  decide: decideSubnet,
  evolve: evolveSubnet,
  views: singleRowViews('subnets', subnetView),
};
