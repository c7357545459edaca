import type { EventEnvelope, LoadBalancerEvent, ServiceInstanceState } from '@lbaas/domain';
import { type DeadlineCommand, PendingWatch } from './pending-deadlines';

type LiveInstance = Extract<ServiceInstanceState, { kind: 'live' }>;

const T0 = Date.parse('2026-03-01T12:00:00.000Z');
const DEADLINE = 60_000;
const LB = 'lb-1';
let sequence = 0;

/** A load balancer event stored `seconds` after T0. */
function stored(seconds: number, event: LoadBalancerEvent, correlationId = `req-${event.type}`): EventEnvelope {
  sequence++;
  return {
    id: `event-${sequence}`,
    type: event.type,
    version: event.version,
    aggregate: 'loadbalancer',
    aggregateId: LB,
    tenantId: 'p',
    actor: 'demo',
    occurredAt: new Date(T0 + seconds * 1000).toISOString(),
    correlationId,
    causationId: null,
    data: event.data,
  };
}
const at = new Date(T0).toISOString();
const created = (s: number) =>
  stored(s, {
    type: 'LoadBalancerCreated',
    version: 2,
    data: {
      placement: { topology: 'ACTIVE_STANDBY', computeZone: null },
      loadBalancer: {
        id: LB,
        projectId: 'p',
        name: '',
        description: '',
        vip: { address: '198.18.7.10', subnetId: 's', networkId: 'n', portId: 'port', qosPolicyId: null },
        adminStateUp: true,
        provider: 'lbaas',
        flavorId: null,
        availabilityZone: null,
        tags: [],
      },
      at,
    },
  });
const listenerDeleted = (s: number) =>
  stored(s, { type: 'ListenerDeleted', version: 1, data: { loadBalancerId: LB, listenerId: 'l-1', at } }, 'req-change');
const applied = (s: number, revision: number) =>
  stored(s, { type: 'LoadBalancerApplied', version: 1, data: { loadBalancerId: LB, revision, at } });
const errored = (s: number) => stored(s, { type: 'LoadBalancerErrored', version: 1, data: { loadBalancerId: LB, reason: 'x', at } });
const health = (s: number) =>
  stored(s, { type: 'LbMemberHealthChanged', version: 1, data: { loadBalancerId: LB, poolId: 'p', memberId: 'm', health: 'ERROR', at } });
const deleted = (s: number) => stored(s, { type: 'LoadBalancerDeleted', version: 1, data: { loadBalancerId: LB, cascade: true, at } });

const instance = (change: Partial<LiveInstance> = {}): LiveInstance => ({
  kind: 'live',
  id: 'si-lb',
  tenantId: 'p',
  source: { kind: 'loadbalancer', loadBalancerId: LB, vipAddress: '198.18.7.10' },
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

function due(events: EventEnvelope[], seconds: number, si?: LiveInstance): DeadlineCommand[] {
  const w = new PendingWatch();
  events.forEach((e) => w.apply(e));
  return w.overdue({ now: T0 + seconds * 1000, deadlineMs: DEADLINE, instanceOf: () => undefined, instanceOfLoadBalancer: () => si });
}
const reasonOf = (commands: DeadlineCommand[]): string[] =>
  commands.map((c) => (c.command.type === 'RecordLoadBalancerError' ? c.command.data.reason : 'not a load balancer'));

describe('PendingWatch for load balancers', () => {
  it.each([
    { desc: 'pending for just the deadline', events: [created(0)], at: 60, expected: 0 },
    { desc: 'pending past the deadline', events: [created(0)], at: 61, expected: 1 },
    { desc: 'served in time', events: [created(0), applied(5, 1)], at: 600, expected: 0 },
    { desc: 'served an older revision than the latest', events: [created(0), listenerDeleted(1), applied(5, 1)], at: 61, expected: 1 },
    { desc: 'served the latest revision', events: [created(0), listenerDeleted(1), applied(5, 2)], at: 600, expected: 0 },
    { desc: 'in ERROR (the data plane said why)', events: [created(0), errored(5)], at: 600, expected: 0 },
    {
      desc: 'changed after ERROR, waiting again since the change',
      events: [created(0), errored(5), listenerDeleted(100)],
      at: 161,
      expected: 1,
    },
    {
      desc: 'changed after ERROR, within the deadline of the change',
      events: [created(0), errored(5), listenerDeleted(100)],
      at: 150,
      expected: 0,
    },
    { desc: "a member's health is no change", events: [created(0), applied(5, 1), health(10)], at: 600, expected: 0 },
    { desc: 'deleted', events: [created(0), deleted(5)], at: 600, expected: 0 },
  ])('$desc', ({ events, at: seconds, expected }) => {
    expect(due(events, seconds)).toHaveLength(expected);
  });

  it('keeps one wait across changes while pending, from the event that started it, at the latest revision', () => {
    const commands = due(
      [created(0), listenerDeleted(30), applied(40, 1)],
      61,
      instance({ placements: [active], rendered, renderedRevision: 1 }),
    );
    expect(commands).toEqual([
      {
        aggregate: 'loadbalancer',
        id: LB,
        command: {
          type: 'RecordLoadBalancerError',
          data: {
            loadBalancerId: LB,
            reason: 'PENDING_CREATE for longer than 60 s: waiting for the config renderer to render revision 2',
            at: new Date(T0 + 61_000).toISOString(),
          },
        },
        cause: { id: expect.any(String), correlationId: 'req-LoadBalancerCreated' },
      },
    ]);
  });

  it('says PENDING_UPDATE for a served load balancer that changed, with the change as the cause', () => {
    const [command] = due([created(0), applied(5, 1), listenerDeleted(10)], 71);
    expect(command.cause.correlationId).toBe('req-change');
    expect(reasonOf([command])).toEqual(['PENDING_UPDATE for longer than 60 s: waiting for the scheduler to create its service instance']);
  });

  it.each([
    {
      desc: 'no node to place it on',
      si: instance({ unplaceableReason: 'no live compute node to place the instance on' }),
      waited: 'a compute node to place it on (no live compute node to place the instance on)',
    },
    {
      desc: 'a revision rendered but not applied',
      si: instance({ placements: [active], rendered, renderedRevision: 1 }),
      waited: 'compute node node-1 to apply its active placement vm-a',
    },
    {
      desc: 'applied but not reported',
      si: instance({
        placements: [active],
        rendered,
        renderedRevision: 1,
        applied: { 'vm-a': { haproxyHash: 'h1', keepalivedHash: 'k1' } },
      }),
      waited: 'compute node node-1 to report its active placement serving revision 1',
    },
  ])('names what it waits for: $desc', ({ si, waited }) => {
    expect(reasonOf(due([created(0)], 61, si))).toEqual([`PENDING_CREATE for longer than 60 s: waiting for ${waited}`]);
  });
});
