import type { AggregateType, EventEnvelope } from '@lbaas/domain';
import type { ObservedPlacement } from '@lbaas/dataplane';
import { desiredNode, type DesiredInputs, type PlacementFiles } from './desired';
import { NodeLog } from './node-log';
import { processVariant, specOf, uuidOf, VM } from './plan-fixtures';
import { sameObservation, SettledPlacements } from './settled-placements';

const NODE = 'compute-node-1';
const [INSTANCE, VIP, POOL, PORT, FIP, CERT] = [uuidOf(1), uuidOf(2), uuidOf(3), uuidOf(4), uuidOf(90), uuidOf(80)];
let n = 0;
const event = (aggregate: AggregateType, aggregateId: string, type: string, data: unknown): EventEnvelope => ({
  id: `e${++n}`,
  type,
  version: 1,
  aggregate,
  aggregateId,
  occurredAt: '2026-01-01T00:00:00Z',
  data,
  tenantId: 't',
  actor: 'test',
  correlationId: `c${n}`,
  causationId: null,
});
const placed = (vmId: string, nodeId: string, role: 'active' | 'standby') =>
  event('serviceinstance', INSTANCE, 'InstancePlaced', {
    instanceId: INSTANCE,
    vmId,
    nodeId,
    role,
    priority: role === 'active' ? 200 : 100,
    vrrpAddress: role === 'active' ? '198.19.192.1' : '198.19.192.2',
  });
const created = () =>
  event('serviceinstance', INSTANCE, 'ServiceInstanceCreated', {
    instanceId: INSTANCE,
    tenantId: 't',
    vipId: VIP,
    poolId: POOL,
    createTs: 1,
    virtualRouterId: 7,
  });
const vipCreated = (tls = false) => [
  event('vip', VIP, 'VipCreated', {
    vipId: VIP,
    tenantId: 't',
    subnetId: uuidOf(9),
    address: '198.18.1.10',
    portId: PORT,
    protocolPort: 443,
    protocol: 'HTTP',
    poolId: POOL,
    name: 'v',
    description: '',
    sessionPersistence: null,
    connectionLimit: -1,
    adminStateUp: true,
  }),
  ...(tls ? [event('vip', VIP, 'VipCertificateChanged', { vipId: VIP, certificateId: CERT, previousCertificateId: null })] : []),
];
const rendered = () =>
  event('serviceinstance', INSTANCE, 'InstanceConfigRendered', {
    instanceId: INSTANCE,
    placements: [
      { vmId: VM.a, haproxyHash: 'h', keepalivedHash: 'k' },
      { vmId: VM.b, haproxyHash: 'h', keepalivedHash: 'k' },
    ],
  });
const floatingIp = () =>
  event('floatingip', FIP, 'FloatingIpCreated', {
    floatingIpId: FIP,
    tenantId: 't',
    floatingNetworkId: uuidOf(10),
    floatingSubnetId: uuidOf(11),
    floatingIpAddress: '198.19.0.7',
    portId: PORT,
    fixedIpAddress: '198.18.1.10',
  });

const fold = (...events: EventEnvelope[]) => {
  const log = new NodeLog(NODE);
  const touched = events.map((e) => log.apply(e));
  return { log, touched };
};
const filesOf = (vmId: string): PlacementFiles => {
  const spec = specOf(vmId);
  return { haproxy: spec.haproxy, keepalived: spec.keepalived, bundle: spec.bundle };
};
const inputs = (log: NodeLog, change: Partial<DesiredInputs> = {}): DesiredInputs => ({
  log,
  scope: null,
  files: filesOf,
  keys: undefined,
  driver: { vrrp: true, haproxyVariant: () => '' },
  ...change,
});

describe('NodeLog', () => {
  it("folds pools' status as the pool's own fold does, and forgets a deleted pool", () => {
    const poolCreated = event('pool', POOL, 'PoolCreated', {
      poolId: POOL,
      tenantId: 't',
      name: 'p',
      description: '',
      subnetId: uuidOf(7),
      protocol: 'HTTP',
      lbMethod: 'ROUND_ROBIN',
      adminStateUp: true,
      provider: 'haproxy',
    });
    const statusChanged = (status: string, statusDescription: string | null) =>
      event('pool', POOL, 'PoolStatusChanged', { poolId: POOL, status, statusDescription });
    const member = event('pool', POOL, 'MemberAdded', {
      poolId: POOL,
      memberId: uuidOf(8),
      tenantId: 't',
      address: '198.18.0.10',
      protocolPort: 80,
      weight: 1,
      adminStateUp: true,
    });
    expect(fold(poolCreated).log.poolStatuses.get(POOL)).toEqual({ status: 'PENDING_CREATE', statusDescription: null });
    const { log, touched } = fold(poolCreated, statusChanged('ACTIVE', null), member, statusChanged('ERROR', 'down'));
    expect(log.poolStatuses.get(POOL)).toEqual({ status: 'ERROR', statusDescription: 'down' });
    expect(touched.every((t) => t.instances.length === 0 && !t.node)).toBe(true);
    expect(fold(poolCreated, event('pool', POOL, 'PoolDeleted', { poolId: POOL })).log.poolStatuses.has(POOL)).toBe(false);
    // A status of a pool this fold never saw created stays unknown: the write then decides.
    expect(fold(statusChanged('ACTIVE', null)).log.poolStatuses.has(POOL)).toBe(false);
  });

  it('names the instances an event may change for this node, and the whole node when a placement leaves it', () => {
    const { log, touched } = fold(
      created(),
      placed(VM.a, NODE, 'active'),
      placed(VM.b, 'compute-node-2', 'standby'),
      event('serviceinstance', INSTANCE, 'InstanceFailedOver', {
        instanceId: INSTANCE,
        fromVmId: VM.a,
        fromNodeId: NODE,
        toVmId: VM.b,
        toNodeId: 'compute-node-2',
        reason: 'lost',
        at: 'x',
      }),
      floatingIp(),
    );
    expect(touched).toEqual([
      { instances: [], node: false },
      { instances: [INSTANCE], node: false },
      { instances: [INSTANCE], node: false },
      { instances: [INSTANCE], node: true },
      { instances: [], node: true },
    ]);
    // Placed here once: only this agent may tear it down.
    expect([...log.ours]).toEqual([[VM.a, INSTANCE]]);
    expect(log.oursOf(INSTANCE)).toEqual([VM.a]);
    expect(log.oursOf(uuidOf(99))).toEqual([]);
    // Failed over to another node: no placement here any more, so no longer one of this node's instances.
    expect([...log.mineInstances()]).toEqual([]);
  });

  it("keeps this node's instances and the VIPs' floating IPs as they are folded", () => {
    const { log } = fold(created(), ...vipCreated(), placed(VM.a, NODE, 'active'), floatingIp());
    expect([...log.mineInstances()].map((si) => si.id)).toEqual([INSTANCE]);
    expect(log.associatedFloatingIps().map((f) => [f.id, f.vipId])).toEqual([[FIP, VIP]]);
    log.apply(event('vip', VIP, 'VipDeleted', { vipId: VIP }));
    expect(log.associatedFloatingIps()).toEqual([]);
    expect([...fold(created(), placed(VM.b, 'compute-node-2', 'active')).log.mineInstances()]).toEqual([]);
  });

  it('ignores instances with nothing on this node', () => {
    expect(fold(created(), placed(VM.b, 'compute-node-2', 'active')).touched[1]).toEqual({ instances: [], node: false });
  });
});

describe('desiredNode', () => {
  const both = () =>
    fold(created(), ...vipCreated(), placed(VM.a, NODE, 'active'), placed(VM.b, NODE, 'standby'), rendered(), floatingIp()).log;

  it("runs each placement of this node with its rendering, role and VRRP address, and forwards the VIP's floating IPs from the active", () => {
    const desired = desiredNode(inputs(both()));
    expect(desired.placements.map((p) => [p.vmId, p.role, p.run.kind])).toEqual([
      [VM.a, 'active', 'run'],
      [VM.b, 'standby', 'run'],
    ]);
    expect(desired.placements[0].run).toMatchObject({
      spec: { vrrpAddress: '198.19.192.1', floatingAddresses: ['198.19.0.7'], tlsFiles: [] },
    });
    expect(desired.placements[1].run).toMatchObject({ spec: { floatingAddresses: [] } });
    expect(desired.floatingIps).toEqual({
      forward: [{ id: FIP, floatingAddress: '198.19.0.7', vipAddress: '198.18.1.10' }],
      associated: new Set([FIP]),
    });
    expect([VM.a, VM.b, VM.c].map((vmId) => desired.ours.has(vmId))).toEqual([true, true, false]);
  });

  it("asks the driver for its variant of each placement's file", () => {
    const desired = desiredNode(inputs(both(), { driver: { vrrp: false, haproxyVariant: processVariant } }));
    expect(desired.placements.map((p) => (p.run.kind === 'run' ? p.run.haproxyVariant : ''))).toEqual([
      processVariant('active', ['198.19.0.7']),
      processVariant('standby', []),
    ]);
  });

  it('looks only at the instances of its scope', () => {
    expect(desiredNode(inputs(both(), { scope: new Set([uuidOf(99)]) }))).toMatchObject({ whole: false, placements: [] });
  });

  it('plans floating IPs over the whole node even when the placements it looks at are some', () => {
    const desired = desiredNode(inputs(both(), { scope: new Set(), whole: true }));
    expect(desired).toMatchObject({ whole: true, placements: [] });
    expect(desired.floatingIps.forward).toEqual([{ id: FIP, floatingAddress: '198.19.0.7', vipAddress: '198.18.1.10' }]);
    expect(desiredNode(inputs(both(), { scope: new Set([INSTANCE]) })).floatingIps.forward).toEqual([]);
  });

  it('notes each floating IP and certificate event, which may change any placement', () => {
    const { log } = fold(created(), ...vipCreated(), placed(VM.a, NODE, 'active'));
    const before = log.nodeWideChanges;
    log.apply(floatingIp());
    log.apply(event('vip', VIP, 'VipUpdated', { vipId: VIP, name: 'w' }));
    expect(log.nodeWideChanges).toBe(before + 1);
  });

  it('wants nothing of an instance being deleted, and forwards nothing to it', () => {
    const { log } = fold(
      created(),
      ...vipCreated(),
      placed(VM.a, NODE, 'active'),
      rendered(),
      floatingIp(),
      event('serviceinstance', INSTANCE, 'InstanceDeletionRequested', { instanceId: INSTANCE }),
    );
    expect(desiredNode(inputs(log))).toMatchObject({ placements: [], floatingIps: { forward: [] } });
  });

  it('says why a placement runs nothing: not rendered, files that cannot be had, a bundle not stored yet, a certificate not folded', () => {
    // Not rendered: its network, known from the placement and the VIP, is made meanwhile.
    expect(desiredNode(inputs(both(), { files: () => undefined })).placements.map((p) => p.run)).toEqual([
      { kind: 'unrendered', network: { vmId: VM.a, vrrpAddress: '198.19.192.1', vipAddress: '198.18.1.10' } },
      { kind: 'unrendered', network: { vmId: VM.b, vrrpAddress: '198.19.192.2', vipAddress: '198.18.1.10' } },
    ]);
    // Without the VIP in the log (not folded yet) there is no address to set the namespace up with.
    const noVip = fold(created(), placed(VM.a, NODE, 'active')).log;
    expect(desiredNode(inputs(noVip, { files: () => undefined })).placements[0].run).toEqual({ kind: 'unrendered', network: null });
    expect(
      desiredNode(inputs(both(), { files: () => ({ error: 'placement bundle bundle-x is not in the object store lbaas_configs' }) }))
        .placements[0].run,
    ).toEqual({ kind: 'fail', reason: 'placement bundle bundle-x is not in the object store lbaas_configs' });
    // A rendering made before this bundle version: what runs stays until the renderer stores its bundle.
    expect(
      desiredNode(inputs(both(), { files: () => ({ pending: 'placement bundle bundle-v2-x is not stored yet' }) })).placements[0].run,
    ).toEqual({ kind: 'wait', reason: 'placement bundle bundle-v2-x is not stored yet' });
    const { log } = fold(created(), ...vipCreated(true), placed(VM.a, NODE, 'active'), rendered());
    const tls = (vmId: string): PlacementFiles => {
      const spec = specOf(vmId, { tls: { fingerprint: 'f'.repeat(64), pem: '' } });
      return { haproxy: spec.haproxy, keepalived: spec.keepalived, bundle: spec.bundle };
    };
    const opener = { open: () => 'KEY' };
    expect(desiredNode(inputs(log, { files: tls, keys: opener })).placements[0].run).toEqual({
      kind: 'wait',
      reason: expect.stringMatching(/certificate .* is not in the log as read so far/),
    });
  });
});

describe('SettledPlacements', () => {
  const seenOf = (vmId: string, running = true): ObservedPlacement => ({
    vmId,
    network: { kind: 'own', addresses: ['198.19.192.1', '198.18.1.10'] },
    haproxy: { running, record: null },
    keepalived: { running: true, hash: 'k' },
    tlsFiles: [],
  });
  const converged = { kind: 'converged', stepsTaken: 0, holdsVip: true } as const;
  const settle = () => {
    const { log } = fold(created(), ...vipCreated(), placed(VM.a, NODE, 'active'), rendered());
    const si = log.instances.get(INSTANCE);
    if (!si) throw new Error('no instance');
    const [d] = desiredNode(inputs(log)).placements;
    const settled = new SettledPlacements();
    settled.record(log, si, d, converged, seenOf(VM.a), false);
    return { log, si, d, settled, seen: new Map([[VM.a, seenOf(VM.a)]]) };
  };

  it('leaves a placement that converged with no step alone while its inputs and what is observed of it stay the same', () => {
    const { log, si, settled, seen } = settle();
    expect(settled.unchanged(log, si, seen)).toBe(true);
  });

  it('looks again at drift: a daemon that stopped, a placement gone from the machine', () => {
    const { log, si, settled } = settle();
    expect(settled.unchanged(log, si, new Map([[VM.a, seenOf(VM.a, false)]]))).toBe(false);
    expect(settled.unchanged(log, si, new Map())).toBe(false);
  });

  it('looks again when its instance, its VIP, or a floating IP changed in the log', () => {
    const renderedAgain = settle();
    renderedAgain.log.apply(rendered());
    const si = renderedAgain.log.instances.get(INSTANCE);
    expect(si && renderedAgain.settled.unchanged(renderedAgain.log, si, renderedAgain.seen)).toBe(false);
    const vipDeleted = settle();
    vipDeleted.log.apply(event('vip', VIP, 'VipDeleted', { vipId: VIP }));
    expect(vipDeleted.settled.unchanged(vipDeleted.log, vipDeleted.si, vipDeleted.seen)).toBe(false);
    const floating = settle();
    floating.log.apply(floatingIp());
    expect(floating.settled.unchanged(floating.log, floating.si, floating.seen)).toBe(false);
  });

  it.each([
    ['steps were taken', { kind: 'converged', stepsTaken: 2, holdsVip: true } as const, false],
    ['VRRP has not given it the address yet', converged, true],
    ['it failed', { kind: 'failed', reason: 'no' } as const, false],
    ['it waits', { kind: 'waiting', reason: 'a certificate' } as const, false],
  ])('forgets a placement when %s', (_, outcome, recheckVip) => {
    const { log, si, d, settled, seen } = settle();
    settled.record(log, si, d, outcome, seenOf(VM.a), recheckVip);
    expect(settled.unchanged(log, si, seen)).toBe(false);
  });

  it('never leaves an instance being deleted alone, and forgets placements no longer on the node', () => {
    const { log, settled, seen } = settle();
    log.apply(event('serviceinstance', INSTANCE, 'InstanceDeletionRequested', { instanceId: INSTANCE }));
    const deleting = log.instances.get(INSTANCE);
    expect(deleting && settled.unchanged(log, deleting, seen)).toBe(false);
    settled.retain(new Set([VM.b]));
    expect(settled.size).toBe(0);
  });

  it('tells apart observations that differ in anything the plan reads, and not copies of one', () => {
    const base = seenOf(VM.a);
    const record = { facts: { hash: 'h' } as never, variant: '', tlsFiles: [{ path: 'a.pem', hash: '1' }] };
    const variants: ObservedPlacement[] = [
      { ...base, network: { kind: 'own', addresses: ['198.19.192.1'] } },
      { ...base, network: { kind: 'own', addresses: ['198.18.1.10', '198.19.192.1'] } },
      { ...base, network: { kind: 'own', addresses: null } },
      { ...base, network: { kind: 'shared' } },
      { ...base, haproxy: { running: false, record: null } },
      { ...base, haproxy: { running: true, record } },
      { ...base, haproxy: { running: true, record: { ...record, facts: { hash: 'h2' } as never } } },
      { ...base, haproxy: { running: true, record: { ...record, variant: 'v' } } },
      { ...base, haproxy: { running: true, record: { ...record, tlsFiles: [{ path: 'a.pem', hash: '2' }] } } },
      { ...base, haproxy: { running: true, record: { ...record, tlsFiles: [] } } },
      { ...base, keepalived: { running: true, hash: 'k2' } },
      { ...base, keepalived: { running: false, hash: 'k' } },
      { ...base, keepalived: null },
      { ...base, tlsFiles: ['a.pem'] },
    ];
    const all = [base, ...variants];
    for (const [i, a] of all.entries()) for (const [j, b] of all.entries()) expect([i, j, sameObservation(a, b)]).toEqual([i, j, i === j]);
    const copy = (p: ObservedPlacement): ObservedPlacement => JSON.parse(JSON.stringify(p)) as ObservedPlacement;
    for (const p of all) expect(sameObservation(p, copy(p))).toBe(true);
  });
});
