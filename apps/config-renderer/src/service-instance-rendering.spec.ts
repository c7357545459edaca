import {
  type CertificateState,
  evolveLoadBalancer,
  evolveServiceInstance,
  type LoadBalancerEvent,
  type LoadBalancerState,
  type ServiceInstanceState,
  serviceInstanceDecider,
  type SubnetState,
} from '@lbaas/domain';
import type { ConfigSources } from './instance-config';
import { id, member, pool, twoListeners } from './load-balancer-fixtures';
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
  it.each([
    'VipStatusChanged',
    'PoolStatusChanged',
    'MemberStatusChanged',
    'InstanceApplied',
    'InstanceFailed',
    'InstanceConfigRendered',
    'LoadBalancerApplied',
    'LoadBalancerErrored',
    'LbMemberHealthChanged',
  ])('renders nothing again for %s', (type) => {
    expect(changesNoFile(type)).toBe(true);
  });

  it.each([
    'MemberAdded',
    'MemberUpdated',
    'PoolUpdated',
    'VipUpdated',
    'VipCertificateChanged',
    'InstancePlaced',
    'InstanceRolesSwapped',
    'InstanceConfigRejected',
    'LbMemberCreated',
    'LbMemberUpdated',
    'LoadBalancerFailoverRequested',
  ])('renders again for %s', (type) => {
    expect(changesNoFile(type)).toBe(false);
  });

  /* Why the list is safe: the event leaves the files and the revision as they were, so rendering again would record nothing. */
  const at = '2026-01-01T00:00:01';
  const pending = twoListeners({
    revision: 7,
    provisioningStatus: 'PENDING_UPDATE',
    pendingRevision: 7,
    pools: [pool(31, { members: [member(41, '198.18.2.10', 8080, { provisioningStatus: 'PENDING_CREATE', pendingRevision: 7 })] })],
  });
  it.each<[string, LoadBalancerEvent]>([
    ['LoadBalancerApplied', { type: 'LoadBalancerApplied', version: 1, data: { loadBalancerId: LB.id, revision: 7, at } }],
    ['LoadBalancerErrored', { type: 'LoadBalancerErrored', version: 1, data: { loadBalancerId: LB.id, reason: 'no node', at } }],
    [
      'LbMemberHealthChanged',
      {
        type: 'LbMemberHealthChanged',
        version: 1,
        data: { loadBalancerId: LB.id, poolId: id(31), memberId: id(41), health: 'ERROR', at },
      },
    ],
  ])("%s changes the load balancer's state but not its files or revision", (_type, event) => {
    const after = evolveLoadBalancer(pending, event);
    expect(after).not.toEqual(pending);
    expect(renderServiceInstance(si(fromLb), sources(after), settings)).toEqual(
      renderServiceInstance(si(fromLb), sources(pending), settings),
    );
  });

  it("folding the renderer's own InstanceConfigRendered leaves a rendering that records nothing", () => {
    const before = si(fromLb, { rendered: [], renderedRevision: null, lastRejection: null, handover: null, applied: {}, failures: {} });
    const first = renderServiceInstance(before, sources(pending), settings);
    if (first.rendering.kind !== 'files') throw new Error('nothing rendered');
    const { files } = first.rendering;
    const placements = [id(71), id(72)].map((vmId) => ({
      vmId,
      haproxyHash: files.find((f) => f.vmId === vmId && f.file === 'haproxy.cfg')?.hash ?? '',
      keepalivedHash: files.find((f) => f.vmId === vmId && f.file === 'keepalived.conf')?.hash ?? '',
    }));
    const record = { type: 'RecordConfigRendered', data: { instanceId: id(1), placements, sourceRevision: first.sourceRevision } } as const;
    const recorded = serviceInstanceDecider.decide(record, before);
    expect(recorded.map((e) => e.type)).toEqual(['InstanceConfigRendered']);
    const after = recorded.reduce(evolveServiceInstance, before);
    expect(renderServiceInstance(after, sources(pending), settings)).toEqual(first);
    expect(serviceInstanceDecider.decide(record, after)).toEqual([]);
  });
});
