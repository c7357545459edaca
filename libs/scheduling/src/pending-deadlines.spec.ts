import type { AggregateType, EventEnvelope, ServiceInstanceState } from '@lbaas/domain';
import { awaitedStep, type DeadlineCommand, PendingWatch } from './pending-deadlines';

type LiveInstance = Extract<ServiceInstanceState, { kind: 'live' }>;

const T0 = Date.parse('2026-03-01T12:00:00.000Z');
const DEADLINE = 60_000;
let sequence = 0;

/** An event stored `seconds` after T0, by the request `correlationId`. */
function stored(
  seconds: number,
  aggregate: AggregateType,
  aggregateId: string,
  type: string,
  data: unknown,
  correlationId = `req-${type}`,
): EventEnvelope {
  sequence++;
  return {
    id: `event-${sequence}`,
    type,
    version: 1,
    aggregate,
    aggregateId,
    tenantId: 't',
    actor: 'demo',
    occurredAt: new Date(T0 + seconds * 1000).toISOString(),
    correlationId,
    causationId: null,
    data,
  };
}

const vipCreated = (seconds: number, vipId = 'vip-1', poolId = 'pool-1') =>
  stored(
    seconds,
    'vip',
    vipId,
    'VipCreated',
    {
      vipId,
      tenantId: 't',
      subnetId: 's',
      address: '198.18.1.5',
      portId: 'port-1',
      protocolPort: 80,
      protocol: 'HTTP',
      poolId,
      name: '',
      description: '',
      sessionPersistence: null,
      connectionLimit: -1,
      adminStateUp: true,
    },
    'req-vip',
  );
const vipStatus = (seconds: number, status: string, vipId = 'vip-1') =>
  stored(seconds, 'vip', vipId, 'VipStatusChanged', { vipId, status, statusDescription: null });
const poolCreated = (seconds: number, poolId = 'pool-1') =>
  stored(
    seconds,
    'pool',
    poolId,
    'PoolCreated',
    {
      poolId,
      tenantId: 't',
      name: '',
      description: '',
      subnetId: 's',
      protocol: 'HTTP',
      lbMethod: 'ROUND_ROBIN',
      adminStateUp: true,
      provider: 'haproxy',
    },
    'req-pool',
  );
const poolBound = (seconds: number, vipId = 'vip-1', poolId = 'pool-1') =>
  stored(seconds, 'pool', poolId, 'PoolVipBound', { poolId, vipId }, 'req-vip');
const poolUnbound = (seconds: number, vipId = 'vip-1', poolId = 'pool-1') =>
  stored(seconds, 'pool', poolId, 'PoolVipUnbound', { poolId, vipId });
const poolStatus = (seconds: number, status: string, poolId = 'pool-1') =>
  stored(seconds, 'pool', poolId, 'PoolStatusChanged', { poolId, status, statusDescription: null });

function watch(events: EventEnvelope[]): PendingWatch {
  const w = new PendingWatch();
  events.forEach((e) => w.apply(e));
  return w;
}
const due = (events: EventEnvelope[], seconds: number, instance?: LiveInstance): DeadlineCommand[] =>
  watch(events).overdue({
    now: T0 + seconds * 1000,
    deadlineMs: DEADLINE,
    instanceOf: () => instance,
    instanceOfLoadBalancer: () => instance,
  });
const expired = (commands: DeadlineCommand[]) => commands.map((c) => `${c.aggregate}/${c.id}`);

const instance = (change: Partial<LiveInstance> = {}): LiveInstance => ({
  kind: 'live',
  id: 'si-1',
  tenantId: 't',
  source: { kind: 'vip', vipId: 'vip-1', poolId: 'pool-1' },
  createTs: 1,
  virtualRouterId: 1,
  placements: [],
  unplaceableReason: null,
  deleting: false,
  history: [],
  handover: null,
  rendered: [],
  renderedRevision: null,
  lastRejection: null,
  applied: {},
  failures: {},
  ...change,
});
const active = { vmId: 'vm-a', nodeId: 'node-1', role: 'active' as const, priority: 200, vrrpAddress: '198.19.192.2' };
const rendered = [{ vmId: 'vm-a', haproxyHash: 'h1', keepalivedHash: 'k1' }];

describe('PendingWatch', () => {
  it.each([
    { desc: 'a VIP pending for just the deadline', events: [vipCreated(0)], at: 60, expected: [] },
    { desc: 'a VIP pending past the deadline', events: [vipCreated(0)], at: 61, expected: ['vip/vip-1'] },
    { desc: 'a VIP that became ACTIVE in time', events: [vipCreated(0), vipStatus(5, 'ACTIVE')], at: 600, expected: [] },
    { desc: 'a VIP the data plane put in ERROR', events: [vipCreated(0), vipStatus(5, 'ERROR')], at: 600, expected: [] },
    { desc: 'a deleted VIP', events: [vipCreated(0), stored(5, 'vip', 'vip-1', 'VipDeleted', { vipId: 'vip-1' })], at: 600, expected: [] },
    {
      desc: 'a VIP PENDING_UPDATE since a later event',
      events: [vipCreated(0), vipStatus(5, 'ACTIVE'), vipStatus(30, 'PENDING_UPDATE')],
      at: 80,
      expected: [],
    },
    {
      desc: 'a VIP PENDING_UPDATE past the deadline',
      events: [vipCreated(0), vipStatus(5, 'ACTIVE'), vipStatus(30, 'PENDING_UPDATE')],
      at: 91,
      expected: ['vip/vip-1'],
    },
    {
      desc: 'a VIP still pending after an unrelated update',
      events: [
        vipCreated(0),
        stored(50, 'vip', 'vip-1', 'VipUpdated', {
          vipId: 'vip-1',
          name: 'n',
          description: '',
          sessionPersistence: null,
          connectionLimit: -1,
          adminStateUp: true,
        }),
      ],
      at: 61,
      expected: ['vip/vip-1'],
    },
    { desc: 'a pool without a VIP, however old', events: [poolCreated(0)], at: 6000, expected: [] },
    { desc: 'a pool since its VIP was bound, not since its creation', events: [poolCreated(0), poolBound(100)], at: 150, expected: [] },
    { desc: 'a pool pending past the deadline with a VIP', events: [poolCreated(0), poolBound(100)], at: 161, expected: ['pool/pool-1'] },
    { desc: 'a pool whose VIP left', events: [poolCreated(0), poolBound(100), poolUnbound(120)], at: 600, expected: [] },
    { desc: 'a pool the data plane made ACTIVE', events: [poolCreated(0), poolBound(1), poolStatus(5, 'ACTIVE')], at: 600, expected: [] },
    {
      desc: 'a pool that became pending again with its VIP',
      events: [poolCreated(0), poolBound(1), poolStatus(5, 'ACTIVE'), poolStatus(200, 'PENDING_UPDATE')],
      at: 261,
      expected: ['pool/pool-1'],
    },
    {
      desc: 'a deleted pool',
      events: [poolCreated(0), poolBound(1), stored(5, 'pool', 'pool-1', 'PoolDeleted', { poolId: 'pool-1' })],
      at: 600,
      expected: [],
    },
    {
      desc: 'the oldest wait first',
      events: [vipCreated(10, 'vip-2', 'pool-2'), poolCreated(0), poolBound(1), vipCreated(1)],
      at: 100,
      expected: ['pool/pool-1', 'vip/vip-1', 'vip/vip-2'],
    },
  ])('expires $desc accordingly', ({ events, at, expected }) => {
    expect(expired(due(events, at))).toEqual(expected);
  });

  it('ignores the aggregates it does not watch', () => {
    expect(due([stored(0, 'network', 'n', 'NetworkCreated', { networkId: 'n' })], 600)).toEqual([]);
  });

  it('expires with ERROR and what the object waited for, caused by the event that started the wait', () => {
    const [vip, pool] = due(
      [vipCreated(0), poolCreated(0), poolBound(30)],
      100,
      instance({ unplaceableReason: 'no live compute node to place the instance on' }),
    );
    const waited = 'waiting for a compute node to place it on (no live compute node to place the instance on)';
    expect(vip).toEqual({
      aggregate: 'vip',
      id: 'vip-1',
      cause: { id: expect.any(String), correlationId: 'req-vip' },
      command: { type: 'ExpireVipPending', data: { vipId: 'vip-1', statusDescription: `PENDING_CREATE for longer than 60 s: ${waited}` } },
    });
    expect(pool).toEqual({
      aggregate: 'pool',
      id: 'pool-1',
      cause: { id: expect.any(String), correlationId: 'req-vip' },
      command: {
        type: 'ExpirePoolPending',
        data: { poolId: 'pool-1', statusDescription: `PENDING_CREATE for longer than 60 s: ${waited}` },
      },
    });
  });

  it("keeps a description within Neutron's 255 characters and says a fractional deadline as such", () => {
    const w = watch([vipCreated(0)]);
    const long = instance({ placements: [active], rendered, failures: { 'vm-a': 'x'.repeat(400) } });
    const [expiry] = w.overdue({ now: T0 + 2000, deadlineMs: 1500, instanceOf: () => long, instanceOfLoadBalancer: () => undefined });
    if (expiry.aggregate === 'loadbalancer') throw new Error('a VIP expires as a VIP');
    expect(expiry.command.data.statusDescription).toHaveLength(255);
    expect(expiry.command.data.statusDescription.startsWith('PENDING_CREATE for longer than 1.5 s: waiting for compute node node-1')).toBe(
      true,
    );
  });

  it('agrees with itself when rebuilt from the same log', () => {
    const log = [vipCreated(0), poolCreated(0), poolBound(0), vipStatus(10, 'ACTIVE'), vipStatus(20, 'PENDING_UPDATE')];
    expect(watch(log).pending()).toEqual(watch(log).pending());
    expect(
      watch(log)
        .pending()
        .map((w) => [w.aggregate, w.since]),
    ).toEqual([
      ['pool', new Date(T0).toISOString()],
      ['vip', new Date(T0 + 20_000).toISOString()],
    ]);
  });
});

describe('awaitedStep', () => {
  it.each([
    { desc: 'no instance yet', si: undefined, expected: 'the scheduler to create its service instance' },
    { desc: 'no placement', si: instance(), expected: 'a compute node to place it on' },
    {
      desc: 'no node can take it',
      si: instance({ unplaceableReason: 'no live compute node' }),
      expected: 'a compute node to place it on (no live compute node)',
    },
    {
      desc: 'a rejected configuration',
      si: instance({
        placements: [active],
        lastRejection: { instanceId: 'si-1', vmId: 'vm-a', file: 'haproxy.cfg', hash: 'h', message: '[ALERT] bad' },
      }),
      expected: 'a configuration that passes its check (haproxy.cfg was rejected: [ALERT] bad)',
    },
    { desc: 'nothing rendered yet', si: instance({ placements: [active] }), expected: 'the config renderer to render its configuration' },
    {
      desc: 'a failed apply',
      si: instance({ placements: [active], rendered, failures: { 'vm-a': 'haproxy did not start' } }),
      expected: 'compute node node-1 to apply its active placement (it failed: haproxy did not start)',
    },
    {
      desc: 'not applied yet',
      si: instance({ placements: [active], rendered }),
      expected: 'compute node node-1 to apply its active placement vm-a',
    },
    {
      desc: 'older files applied',
      si: instance({ placements: [active], rendered, applied: { 'vm-a': { haproxyHash: 'h0', keepalivedHash: 'k1' } } }),
      expected: 'compute node node-1 to apply its active placement vm-a',
    },
    {
      desc: 'applied but not reported',
      si: instance({ placements: [active], rendered, applied: { 'vm-a': { haproxyHash: 'h1', keepalivedHash: 'k1' } } }),
      expected: 'compute node node-1 to report its active placement serving',
    },
  ])('names the first unfinished step: $desc', ({ si, expected }) => {
    expect(awaitedStep(si)).toBe(expected);
  });
});
