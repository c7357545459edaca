import { AGGREGATE_KIND } from '../envelope';
import { Conflict, ValidationError } from '../errors';
import { type Cidr, firstHost, intToIp, ipToInt, isIpv4, lastHost, parseCidr } from '../ipv4';
import { live } from '../lifecycle';
import type { AllocateAddress, CreateSubnet, DeleteSubnet, ReleaseAddress, SubnetCommand, UpdateSubnet } from './commands';
import type { SubnetAddressAllocated, SubnetAddressReleased, SubnetCreated, SubnetDeleted, SubnetEvent, SubnetUpdated } from './events';
import { addressOf, type SubnetState } from './state';

const KIND = AGGREGATE_KIND.subnet;
type Range = { start: string; end: string };

const isHost = (cidrText: string, ip: string): boolean => {
  const cidr = parseCidr(cidrText);
  const n = ipToInt(ip);
  return n >= firstHost(cidr) && n <= lastHost(cidr);
};

/** The gateway must be a host address of the cidr: inside it, and neither its network nor its broadcast address. */
function checkGateway(cidrText: string, gatewayIp: string): void {
  if (!isIpv4(gatewayIp))
    throw new ValidationError(`Invalid input for gateway_ip. Reason: '${gatewayIp}' is not a valid IP address.`, 'InvalidInput');
  if (!isHost(cidrText, gatewayIp))
    throw new ValidationError(`Invalid input for operation: Gateway ${gatewayIp} is not valid on subnet ${cidrText}.`, 'InvalidInput');
}

const inUse = (networkId: string, ip: string): Conflict =>
  new Conflict('IpAddressInUse', `Unable to complete operation for network ${networkId}. The IP address ${ip} is in use.`);

const inPool = (pools: readonly Range[], ip: number): Range | undefined =>
  pools.find((p) => ip >= ipToInt(p.start) && ip <= ipToInt(p.end));

function checkGatewayOutsidePools(gatewayIp: string, pools: readonly Range[]): void {
  const clash = inPool(pools, ipToInt(gatewayIp));
  if (clash) {
    throw new Conflict(
      'GatewayConflictWithAllocationPools',
      `Gateway ip ${gatewayIp} conflicts with allocation pool ${clash.start}-${clash.end}.`,
    );
  }
}

function checkPools(cidrText: string, cidr: Cidr, pools: readonly Range[]): void {
  for (const pool of pools) {
    if (!isIpv4(pool.start) || !isIpv4(pool.end) || ipToInt(pool.start) > ipToInt(pool.end)) {
      throw new ValidationError(`The allocation pool ${pool.start}-${pool.end} is not valid.`, 'InvalidAllocationPool');
    }
    if (ipToInt(pool.start) < firstHost(cidr) || ipToInt(pool.end) > lastHost(cidr)) {
      throw new ValidationError(
        `The allocation pool ${pool.start}-${pool.end} spans beyond the subnet cidr ${cidrText}.`,
        'OutOfBoundsAllocationPool',
      );
    }
  }
  pools.forEach((a, i) =>
    pools.slice(i + 1).forEach((b) => {
      if (ipToInt(a.start) <= ipToInt(b.end) && ipToInt(b.start) <= ipToInt(a.end)) {
        throw new Conflict(
          'OverlappingAllocationPools',
          `Found overlapping allocation pools: ${a.start}-${a.end} ${b.start}-${b.end} for subnet ${cidrText}.`,
        );
      }
    }),
  );
}

const createSubnet = ({ data }: CreateSubnet, state: SubnetState): [SubnetCreated] => {
  if (state.kind !== 'absent') throw new Conflict('SubnetExists', `Subnet ${data.subnetId} already exists.`);
  const cidr = parseCidr(data.cidr);
  const gatewayIp = data.gatewayIp === undefined ? intToIp(firstHost(cidr)) : data.gatewayIp;
  if (gatewayIp !== null) checkGateway(data.cidr, gatewayIp);
  const allocationPools =
    data.allocationPools !== undefined && data.allocationPools.length > 0 ? data.allocationPools : defaultPools(cidr, gatewayIp);
  checkPools(data.cidr, cidr, allocationPools);
  if (gatewayIp !== null) checkGatewayOutsidePools(gatewayIp, allocationPools);
  return [
    {
      type: 'SubnetCreated',
      version: 1,
      data: {
        subnetId: data.subnetId,
        tenantId: data.tenantId,
        networkId: data.networkId,
        cidr: data.cidr,
        name: data.name ?? '',
        gatewayIp,
        allocationPools,
        enableDhcp: data.enableDhcp ?? true,
        dnsNameservers: data.dnsNameservers ?? [],
        hostRoutes: data.hostRoutes ?? [],
      },
    },
  ];
};

/** Every host address but the gateway, as Neutron computes it: one range, or two around a gateway in the middle. */
function defaultPools(cidr: Cidr, gatewayIp: string | null): Range[] {
  const [first, last] = [firstHost(cidr), lastHost(cidr)];
  const gateway = gatewayIp === null ? null : ipToInt(gatewayIp);
  const ranges: [number, number][] =
    gateway === null
      ? [[first, last]]
      : [
          [first, gateway - 1],
          [gateway + 1, last],
        ];
  return ranges.filter(([start, end]) => start <= end).map(([start, end]) => ({ start: intToIp(start), end: intToIp(end) }));
}

const updateSubnet = ({ data }: UpdateSubnet, state: SubnetState): [SubnetUpdated] => {
  const s = live(state, KIND, data.subnetId);
  const gatewayIp = data.gatewayIp === undefined ? s.gatewayIp : data.gatewayIp;
  if (gatewayIp !== null && gatewayIp !== s.gatewayIp) {
    checkGateway(s.cidr, gatewayIp);
    checkGatewayOutsidePools(gatewayIp, s.allocationPools);
    if (s.allocations[gatewayIp] !== undefined) throw inUse(s.networkId, gatewayIp);
  }
  return [
    {
      type: 'SubnetUpdated',
      version: 1,
      data: {
        subnetId: s.id,
        name: data.name ?? s.name,
        gatewayIp,
        enableDhcp: data.enableDhcp ?? s.enableDhcp,
        dnsNameservers: data.dnsNameservers ?? s.dnsNameservers,
        hostRoutes: data.hostRoutes ?? s.hostRoutes,
      },
    },
  ];
};

/**
 * An owner holds at most one address: asking again returns nothing new, so a saga that a crash
 * interrupted can be resumed and finds the address it was given.
 */
const allocateAddress = ({ data }: AllocateAddress, state: SubnetState): SubnetAddressAllocated[] => {
  const subnet = live(state, KIND, data.subnetId);
  if (addressOf(subnet, data.ownerId) !== undefined) return [];
  const allocated = (ipAddress: string): [SubnetAddressAllocated] => [
    { type: 'SubnetAddressAllocated', version: 1, data: { subnetId: subnet.id, ipAddress, ownerId: data.ownerId } },
  ];
  if (data.ipAddress !== undefined) {
    if (!isIpv4(data.ipAddress) || !isHost(subnet.cidr, data.ipAddress)) {
      throw new ValidationError(`IP address ${data.ipAddress} is not a valid IP for the specified subnet.`, 'InvalidInput');
    }
    if (subnet.allocations[data.ipAddress] !== undefined || data.ipAddress === subnet.gatewayIp)
      throw inUse(subnet.networkId, data.ipAddress);
    return allocated(data.ipAddress);
  }
  for (const pool of subnet.allocationPools) {
    for (let n = ipToInt(pool.start); n <= ipToInt(pool.end); n++) {
      const ip = intToIp(n);
      if (subnet.allocations[ip] === undefined && ip !== subnet.gatewayIp) return allocated(ip);
    }
  }
  throw new Conflict('IpAddressGenerationFailure', `No more IP addresses available on network ${subnet.networkId}.`);
};

/** Releasing what the owner does not hold is a no-op: compensations and deletes may run twice. */
const releaseAddress = ({ data }: ReleaseAddress, state: SubnetState): SubnetAddressReleased[] => {
  const s = live(state, KIND, data.subnetId);
  const ipAddress = addressOf(s, data.ownerId);
  return ipAddress === undefined
    ? []
    : [{ type: 'SubnetAddressReleased', version: 1, data: { subnetId: s.id, ipAddress, ownerId: data.ownerId } }];
};

const deleteSubnet = ({ data }: DeleteSubnet, state: SubnetState): [SubnetDeleted] => {
  const s = live(state, KIND, data.subnetId);
  if (Object.keys(s.allocations).length > 0) {
    throw new Conflict(
      'SubnetInUse',
      `Unable to complete operation on subnet ${s.id}: One or more ports have an IP allocation from this subnet.`,
    );
  }
  return [{ type: 'SubnetDeleted', version: 1, data: { subnetId: s.id } }];
};

export function decideSubnet(command: SubnetCommand, state: SubnetState): SubnetEvent[] {
  switch (command.type) {
    case 'CreateSubnet':
      return createSubnet(command, state);
    case 'UpdateSubnet':
      return updateSubnet(command, state);
    case 'AllocateAddress':
      return allocateAddress(command, state);
    case 'ReleaseAddress':
      return releaseAddress(command, state);
    case 'DeleteSubnet':
      return deleteSubnet(command, state);
    default: {
      const unhandled: never = command;
      throw new Error(`unknown command ${JSON.stringify(unhandled)}`);
    }
  }
}
