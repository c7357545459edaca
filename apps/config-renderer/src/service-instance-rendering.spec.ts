import type { CertificateState, LoadBalancerState, ServiceInstanceState, SubnetState } from '@lbaas/domain';
import type { ConfigSources } from './instance-config';
import { id, twoListeners } from './load-balancer-fixtures';
import { changesNoFile, renderServiceInstance } from './service-instance-rendering';

const LB = twoListeners({ revision: 7 });
const si = (source: object, change: object = {}) =>
  ({
    kind: 'live',
    id: id(1),
    tenantId: 'demo',
    source,
    placements: [
      { vmId: id(71), nodeId: 'compute-node-1', role: 'active', priority: 200, vrrpAddress: '198.19.192.1' },
      { vmId: id(72), nodeId: 'compute-node-2', role: 'standby', priority: 100, vrrpAddress: '198.19.192.2' },
    ],
    virtualRouterId: 7,
    deleting: false,
    ...change,
  }) as unknown as ServiceInstanceState;
const sources = (loadBalancer: LoadBalancerState | undefined): ConfigSources => ({
  vip: () => undefined,
  pool: () => undefined,
  monitor: () => undefined,
  subnet: () => ({ kind: 'live', id: LB.vip.subnetId, cidr: '198.18.1.0/26' }) as SubnetState,
  certificate: (): CertificateState | undefined => undefined,
  loadBalancer: (x) => (x === LB.id ? loadBalancer : undefined),
});
const settings = { runRoot: '/run/lbaas', pingCheckCommand: '/usr/local/lib/lbaas/ping-check', statsPassword: () => 'statspw' };
const fromLb = { kind: 'loadbalancer', loadBalancerId: LB.id };

describe('renderServiceInstance', () => {
  it("renders a load balancer's instance with the revision its files serve and its subnet's prefix length", () => {
    const { rendering, sourceRevision } = renderServiceInstance(si(fromLb), sources(LB), settings);
    expect(sourceRevision).toBe(7);
    if (rendering.kind !== 'files') throw new Error('nothing rendered');
    expect(rendering.bundles.map((b) => [b.vmId, b.keepalived.vip.prefixLength])).toEqual([
      [id(71), 26],
      [id(72), 26],
    ]);
  });

  it.each([
    ['a load balancer not folded', si(fromLb), undefined],
    ['a deleted load balancer', si(fromLb), { kind: 'deleted', id: LB.id } as LoadBalancerState],
    ['an instance being deleted', si(fromLb, { deleting: true }), LB],
    ['a deleted instance', { kind: 'deleted', id: id(1) } as ServiceInstanceState, LB],
    ["a VIP's instance whose VIP is not folded", si({ kind: 'vip', vipId: id(9), poolId: id(10) }), LB],
  ])('renders nothing for %s', (_what, instance, lb) => {
    expect(renderServiceInstance(instance, sources(lb), settings)).toEqual({ rendering: { kind: 'nothing' }, sourceRevision: null });
  });
});

describe('changesNoFile', () => {
  it.each(['VipStatusChanged', 'PoolStatusChanged', 'MemberStatusChanged', 'InstanceApplied', 'InstanceFailed'])(
    'renders nothing again for %s',
    (type) => {
      expect(changesNoFile(type)).toBe(true);
    },
  );

  it.each([
    'MemberAdded',
    'MemberUpdated',
    'PoolUpdated',
    'VipUpdated',
    'VipCertificateChanged',
    'InstancePlaced',
    'InstanceRolesSwapped',
    'InstanceConfigRejected',
    'InstanceConfigRendered',
  ])('renders again for %s', (type) => {
    expect(changesNoFile(type)).toBe(false);
  });
});
