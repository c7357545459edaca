import {
  CATALOG_ID,
  catalogDecider,
  Conflict,
  type EventEnvelope,
  fold,
  type LoadBalancerConfig,
  loadBalancerDecider,
  type QuotaClaim,
  quotaDecider,
  type QuotaLimits,
} from '@lbaas/domain';
import {
  type AppendOptions,
  type AppendResult,
  connectNats,
  type EventStore,
  handleCommand,
  JetStreamEventStore,
  systemActor,
} from '@lbaas/event-log';
import { type NatsServerHandle, startNatsServer } from '@lbaas/testing';
import type { NatsConnection } from 'nats';
import pino from 'pino';
import { randomUUID } from 'node:crypto';
import { schedulerConfigFromEnv } from './config';
import { QuotaReclaimer } from './quota-reclaimer';

const GRACE = 1500;
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const iso = (ms: number): string => new Date(ms).toISOString();
const UNLIMITED: QuotaLimits = { loadbalancer: -1, listener: -1, pool: -1, member: -1, healthmonitor: -1, l7policy: -1, l7rule: -1 };
const who = systemActor('test', 'admin', null);
const lbClaim = (id: string): QuotaClaim => ({ resource: 'loadbalancer', objectId: id });
const memberClaim = (id: string): QuotaClaim => ({ resource: 'member', objectId: id });

const lbConfig = (id: string, projectId: string, flavorId: string | null): LoadBalancerConfig => ({
  id,
  projectId,
  name: '',
  description: '',
  vip: { address: '198.18.1.10', subnetId: 's', networkId: 'n', portId: `port-${id}`, qosPolicyId: null },
  adminStateUp: true,
  provider: 'lbaas',
  flavorId,
  availabilityZone: null,
  tags: [],
});

/** The store, with a hook run before an append of one aggregate: a create landing while the reclaimer works. */
class RacingStore implements EventStore {
  before: ((aggregate: string) => Promise<void>) | null = null;
  constructor(private readonly store: EventStore) {}
  read: EventStore['read'] = (aggregate, id) => this.store.read(aggregate, id);
  async append(
    aggregate: Parameters<EventStore['append']>[0],
    id: string,
    events: readonly EventEnvelope[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    const hook = this.before;
    if (hook !== null) {
      this.before = null;
      await hook(aggregate);
    }
    return this.store.append(aggregate, id, events, options);
  }
}

describe('QuotaReclaimer against a real nats-server', () => {
  let nats: NatsServerHandle;
  let nc: NatsConnection;
  let store: JetStreamEventStore;
  const log = pino({ level: 'silent' });
  const config = schedulerConfigFromEnv({ LBAAS_QUOTA_RECLAIM_GRACE_MS: String(GRACE) });
  /** Every event the test appended, in order: what the scheduler's fold of the log would see. */
  const appended: EventEnvelope[] = [];

  beforeAll(async () => {
    nats = await startNatsServer();
    nc = await connectNats('lbt-reclaimer', nats.url);
    store = await JetStreamEventStore.create(nc);
    await store.ensureStream();
  });
  afterAll(async () => {
    await nc?.close();
    await nats?.stop();
  });

  const run = async (
    aggregate: 'quota' | 'catalog' | 'loadbalancer',
    id: string,
    command: { readonly type: string; readonly data: object },
    at: number,
  ): Promise<void> => {
    const decider = aggregate === 'quota' ? quotaDecider : aggregate === 'catalog' ? catalogDecider : loadBalancerDecider;
    const result = await handleCommand(store, decider as never, id, command as never, who, { now: () => iso(at) });
    appended.push(...result.events);
  };
  const reserve = (projectId: string, loadBalancerId: string, claims: QuotaClaim[], at: number) =>
    run('quota', projectId, { type: 'ReserveQuota', data: { projectId, loadBalancerId, at: iso(at), claims, defaults: UNLIMITED } }, at);
  const createLb = (projectId: string, id: string, flavorId: string | null, at: number) =>
    run(
      'loadbalancer',
      id,
      { type: 'CreateLoadBalancer', data: { loadBalancer: lbConfig(id, projectId, flavorId), listeners: [], pools: [], at: iso(at) } },
      at,
    );
  const useFlavor = (loadBalancerId: string, flavorId: string, at: number) =>
    run('catalog', CATALOG_ID, { type: 'RecordCatalogUse', data: { loadBalancerId, flavorId, availabilityZone: null, at: iso(at) } }, at);
  const held = async (projectId: string) => {
    const state = fold(quotaDecider, (await store.read('quota', projectId)).events);
    return state.kind === 'live' ? { loadbalancer: [...state.held.loadbalancer].sort(), member: [...state.held.member].sort() } : null;
  };
  const catalog = async () => fold(catalogDecider, (await store.read('catalog', CATALOG_ID)).events);
  const reclaimerFoldingTheLog = (): QuotaReclaimer => {
    const reclaimer = new QuotaReclaimer(config, log);
    for (const event of appended) reclaimer.fold(event);
    return reclaimer;
  };

  it('releases what a crashed create reserved, ends its flavor use, and never touches what a live load balancer holds', async () => {
    const P = `project-${randomUUID()}`;
    await run(
      'catalog',
      CATALOG_ID,
      {
        type: 'CreateFlavorProfile',
        data: { profile: { id: 'fp', name: 'single', providerName: 'lbaas', flavorData: '{"loadbalancer_topology": "SINGLE"}' } },
      },
      T0,
    );
    for (const id of ['fl-used', 'fl-unused'])
      await run(
        'catalog',
        CATALOG_ID,
        { type: 'CreateFlavor', data: { flavor: { id, name: id, description: '', flavorProfileId: 'fp', enabled: true } } },
        T0,
      );
    // A load balancer that was created, and one member claim whose create was refused and whose release failed.
    await reserve(P, 'lb-live', [lbClaim('lb-live'), memberClaim('m-never')], T0);
    await useFlavor('lb-live', 'fl-used', T0);
    await createLb(P, 'lb-live', 'fl-used', T0);
    // A create that crashed after its reservation and its flavor's use: nothing on its load balancer's stream.
    await reserve(P, 'lb-crashed', [lbClaim('lb-crashed'), memberClaim('m-crashed')], T0);
    await useFlavor('lb-crashed', 'fl-unused', T0);

    const reclaimer = reclaimerFoldingTheLog();
    expect(await reclaimer.round(store, T0 + GRACE - 1)).toMatchObject({ checked: 0, released: 0 });
    expect(await held(P)).toEqual({ loadbalancer: ['lb-crashed', 'lb-live'], member: ['m-crashed', 'm-never'] });

    expect(await reclaimer.round(store, T0 + GRACE)).toMatchObject({ checked: 4, released: 3, restored: 0, usesEnded: 1, failed: 0 });
    expect(await held(P)).toEqual({ loadbalancer: ['lb-live'], member: [] });
    expect((await catalog()).uses.map((u) => u.loadBalancerId)).toEqual(['lb-live']);
    // The unused flavor can be deleted now; the one a live load balancer uses still cannot.
    await run('catalog', CATALOG_ID, { type: 'DeleteFlavor', data: { flavorId: 'fl-unused' } }, T0 + GRACE);
    await expect(run('catalog', CATALOG_ID, { type: 'DeleteFlavor', data: { flavorId: 'fl-used' } }, T0 + GRACE)).rejects.toThrow(Conflict);

    // Nothing is due any more: later rounds read and append nothing.
    const before = (await store.read('quota', P)).version;
    expect(await reclaimer.round(store, T0 + 10 * GRACE)).toMatchObject({ checked: 0 });
    expect((await store.read('quota', P)).version).toBe(before);
  });

  it('after a restart, checks every claim older than the grace in its first round, and releases each once', async () => {
    const P = `project-${randomUUID()}`;
    await reserve(P, 'lb-a', [lbClaim('lb-a')], T0);
    await reserve(P, 'lb-b', [lbClaim('lb-b')], T0 + 1);
    await createLb(P, 'lb-b', null, T0 + 2);
    // A reclaimer that was down all along: folded from the log at its start, long after the grace.
    const restarted = reclaimerFoldingTheLog();
    expect(await restarted.round(store, T0 + 100 * GRACE)).toMatchObject({ released: 1, failed: 0 });
    expect(await held(P)).toEqual({ loadbalancer: ['lb-b'], member: [] });
    // A second replica that folded the same log releases nothing twice.
    expect(await reclaimerFoldingTheLog().round(store, T0 + 100 * GRACE)).toMatchObject({ released: 0, restored: 0 });
    expect(await held(P)).toEqual({ loadbalancer: ['lb-b'], member: [] });
  });

  it('counts again a claim whose load balancer was created between its check and its release', async () => {
    const P = `project-${randomUUID()}`;
    await reserve(P, 'lb-slow', [lbClaim('lb-slow')], T0);
    const racing = new RacingStore(store);
    // The api's create lands on the load balancer's stream just before the reclaimer's release is appended.
    racing.before = async (aggregate) => {
      if (aggregate === 'quota') await createLb(P, 'lb-slow', null, T0 + GRACE);
    };
    const reclaimer = new QuotaReclaimer(config, log);
    for (const event of appended) reclaimer.fold(event);
    expect(await reclaimer.round(racing, T0 + GRACE)).toMatchObject({ released: 1, restored: 1, failed: 0 });
    expect(await held(P)).toEqual({ loadbalancer: ['lb-slow'], member: [] });
  });

  it('records again a flavor use whose load balancer was created between its check and its end', async () => {
    await useFlavor('lb-slow-flavor', 'fl-used', T0);
    const racing = new RacingStore(store);
    racing.before = async (aggregate) => {
      if (aggregate === 'catalog') await createLb('project-x', 'lb-slow-flavor', 'fl-used', T0 + GRACE);
    };
    const reclaimer = reclaimerFoldingTheLog();
    expect(await reclaimer.round(racing, T0 + GRACE)).toMatchObject({ usesEnded: 1, usesRestored: 1, failed: 0 });
    expect((await catalog()).uses.map((u) => u.loadBalancerId)).toContain('lb-slow-flavor');
  });
});
