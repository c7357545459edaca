import { singleRowViews } from '../decider';
import type { SubnetResource } from '../resources';
import type { SubnetState } from './state';

export function subnetView(state: SubnetState): SubnetResource | null {
  if (state.kind !== 'live') return null;
  return {
    id: state.id,
    tenant_id: state.tenantId,
    network_id: state.networkId,
    name: state.name,
    ip_version: 4,
    cidr: state.cidr,
    gateway_ip: state.gatewayIp,
    allocation_pools: state.allocationPools.map((p) => ({ start: p.start, end: p.end })),
    enable_dhcp: state.enableDhcp,
    dns_nameservers: [...state.dnsNameservers],
    host_routes: state.hostRoutes.map((r) => ({ destination: r.destination, nexthop: r.nexthop })),
  };
}

export const subnetViews = singleRowViews('subnets', subnetView);
