import type { EventEnvelope } from '@lbaas/domain';
import { connectNats, encodeCommit, ensureEventStream, eventSubject } from '@lbaas/event-log';
import { ServiceMetrics } from '@lbaas/service-shell';
import { freePort, type NatsServerHandle, startNatsServer, waitFor } from '@lbaas/testing';
import type { NatsConnection } from 'nats';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { type LeaderWorker, type LeaderWorkerOptions, runLeaderWorker } from './leader-worker';
import { ServiceLifetime } from './service-lifetime';

interface LogLine {
  readonly msg: string;
  readonly [field: string]: unknown;
}

/** What one replica saw and did, and the lines it logged. */
interface Replica {
  readonly worker: LeaderWorker;
  readonly port: number;
  readonly folded: { readonly seq: number; readonly live: boolean }[];
  readonly lines: LogLine[];
  readonly stops: string[];
  rounds: number;
  idles: number;
}

const getJson = async (port: number, path: string): Promise<{ status: number; body: Record<string, unknown> }> => {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('the service shell against a real nats-server', () => {
  let nats: NatsServerHandle;
  let nc: NatsConnection;
  const running: LeaderWorker[] = [];

  const publish = async (): Promise<number> => {
    const id = randomUUID();
    const event: EventEnvelope = {
      id: randomUUID(),
      type: 'Probed',
      version: 1,
      aggregate: 'pool',
      aggregateId: id,
      tenantId: 't1',
      actor: 'test',
      occurredAt: new Date(0).toISOString(),
      correlationId: 'req-test',
      causationId: null,
      data: {},
    };
    return (await nc.jetstream().publish(eventSubject('pool', id), encodeCommit({ commitId: randomUUID(), events: [event] }))).seq;
  };

  const replica = async (role: string, options: Partial<LeaderWorkerOptions> = {}): Promise<Replica> => {
    const port = await freePort();
    const lines: LogLine[] = [];
    const log = pino({ base: null }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
    const seen: Omit<Replica, 'worker'> = { port, folded: [], lines, stops: [], rounds: 0, idles: 0 };
    const worker = await runLeaderWorker({
      name: role,
      title: `${role} worker`,
      natsUrl: nats.url,
      health: { host: '127.0.0.1', port },
      leaseTtlMs: 600,
      tickMs: 50,
      log,
      metrics: new ServiceMetrics(role),
      says: { leading: 'leading', following: 'following', roundFailed: 'round failed' },
      fold: (_event, seq, live) => void seen.folded.push({ seq, live }),
      round: async () => void seen.rounds++,
      idle: () => void seen.idles++,
      details: () => ({ folded: seen.folded.length }),
      caughtUpDetails: () => ({ folded: seen.folded.length }),
      beforeConnect: async (lifetime) => lifetime.onStop(() => void seen.stops.push('registered before NATS')),
      ...options,
    });
    running.push(worker);
    return Object.assign(seen, { worker });
  };

  beforeAll(async () => {
    nats = await startNatsServer();
    nc = await connectNats('lbt-worker-shell', nats.url);
    await ensureEventStream(nc);
  });
  afterAll(async () => {
    for (const worker of running) await worker.stop().catch(() => undefined);
    await nc?.close();
    await nats?.stop();
  });

  it('folds the log as it was before it is ready, leads alone, then folds live commits and runs rounds', async () => {
    const before = [await publish(), await publish(), await publish()];
    const r = await replica('lbt-alone');
    expect(r.folded.filter((f) => before.includes(f.seq)).every((f) => !f.live)).toBe(true);
    expect(r.lines.find((l) => l.msg === 'lbt-alone worker caught up with the event log')).toMatchObject({
      position: before[2],
      folded: r.folded.length,
    });
    expect(r.lines.find((l) => l.msg === 'leading')).toMatchObject({ leading: true });
    expect(await getJson(r.port, '/readyz')).toMatchObject({ status: 200, body: { status: 'ready', service: 'lbt-alone' } });
    expect((await getJson(r.port, '/healthz')).body).toMatchObject({
      status: 'ok',
      service: 'lbt-alone',
      leading: true,
      position: before[2],
    });

    const roundsBefore = r.rounds;
    const seq = await publish();
    await r.worker.waitFor(seq);
    expect(r.folded.at(-1)).toEqual({ seq, live: true });
    await waitFor('a round after the commit', () => r.rounds > roundsBefore);
    const metrics = await (await fetch(`http://127.0.0.1:${r.port}/metrics`)).text();
    expect(metrics).toContain(`lbaas_consumer_position{consumer="lbt-alone",service="lbt-alone"} ${seq}`);
  });

  it('stops the rounds, the lease, the following and NATS before what it registered before NATS, and the health endpoints last', async () => {
    const r = await replica('lbt-stop', {
      beforeConnect: async (lifetime) =>
        lifetime.onStop(async () => {
          r.stops.push(
            `before NATS: nc closed ${r.worker.nc.isClosed()}, leading ${r.worker.leading()}, readyz ${(await getJson(r.port, '/readyz')).status}`,
          );
        }),
    });
    await r.worker.stop();
    expect(r.stops).toEqual(['before NATS: nc closed true, leading false, readyz 503']);
    expect(r.lines.at(-1)).toMatchObject({ msg: 'following', leading: false });
    await expect(fetch(`http://127.0.0.1:${r.port}/healthz`)).rejects.toThrow();
  });

  it('runs no round on a replica that follows, until the leader stops and it takes over', async () => {
    const leader = await replica('lbt-pair');
    const follower = await replica('lbt-pair');
    expect([leader.worker.leading(), follower.worker.leading()]).toEqual([true, false]);
    expect((await getJson(follower.port, '/healthz')).body).toMatchObject({ leading: false });
    const idlesBefore = follower.idles;
    await waitFor('the follower passing over a tick', () => follower.idles > idlesBefore);
    expect(follower.rounds).toBe(0);
    await leader.worker.stop();
    await waitFor('the follower taking over', () => follower.worker.leading());
    await waitFor('a round of the new leader', () => follower.rounds > 0);
  });
});

describe('ServiceLifetime', () => {
  it('is not ready until connected to NATS, then as the service says', async () => {
    const nats = await startNatsServer();
    try {
      const port = await freePort();
      let reason: string | null = 'still folding';
      const lifetime = await ServiceLifetime.serve({
        name: 'lbt-lifetime',
        health: { host: '127.0.0.1', port },
        metrics: new ServiceMetrics('lbt-lifetime'),
        position: () => 0,
        notReady: () => reason,
        details: () => ({}),
      });
      expect((await getJson(port, '/readyz')).body).toMatchObject({ reason: 'not connected to NATS' });
      const { nc: connected } = await lifetime.connect(nats.url, 'close');
      expect((await getJson(port, '/readyz')).body).toMatchObject({ reason: 'still folding' });
      reason = null;
      expect((await getJson(port, '/readyz')).status).toBe(200);
      await lifetime.stop();
      expect(connected.isClosed()).toBe(true);
    } finally {
      await nats.stop();
    }
  });
});
