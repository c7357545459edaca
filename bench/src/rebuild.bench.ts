import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Logger } from '@nestjs/common';
import { type ClientProxy, ClientProxyFactory, Transport } from '@nestjs/microservices';
import { ALL_EVENTS_SUBJECT, connectNats, decodeCommit, JetStreamEventStore, STREAM_NAME } from '@lbaas/event-log';
import { QUERY_PATTERNS, type RebuildReply, type RebuildResult, type StatusReply } from '@lbaas/read-models';
import {
  builtService,
  freePort,
  type NatsServerHandle,
  type ServiceProcess,
  spawnService,
  startNatsServer,
  testPostgres,
  type TestPostgres,
  waitFor,
} from '@lbaas/testing';
import { DeliverPolicy, type NatsConnection } from 'nats';
import { firstValueFrom, timeout } from 'rxjs';
import { measureLiveLag, type LiveLag, processCpuSeconds } from './live-lag';
import { type BenchRow, percentile, report } from './report';
import { RebuildHistory } from './rebuild-history';

/** About 5.5 commits per pool: 8,000 pools make a stream of some 45,000 commits. */
const POOLS = Number(process.env.LBAAS_BENCH_REBUILD_POOLS ?? 8000);
const WRITERS = 32;
const SQLITE_ROUNDS = 3;
const POSTGRES_ROUNDS = 2;
/** LBAAS_BENCH_REBUILD_SQLITE_ONLY=1: the SQLite rounds alone, printed and not written to results (for back-to-back pairs). */
const SQLITE_ONLY = !!process.env.LBAAS_BENCH_REBUILD_SQLITE_ONLY;
const CATCH_UP_BUDGET_MS = 300_000;
const REBUILD_BUDGET_MS = 600_000;
const READ_BUDGET_MS = 120_000;

interface StreamRead {
  readonly commits: number;
  readonly events: number;
  readonly bytes: number;
  readonly seconds: number;
}

/**
 * The floor: an ordered consumer reading LBAAS_EVENTS from sequence 1 to its end, as the rebuild's
 * replay does, without decoding or storing anything. With `decode` it also parses every commit.
 */
async function readStream(nc: NatsConnection, decode: boolean): Promise<StreamRead> {
  const last = (await (await nc.jetstreamManager()).streams.info(STREAM_NAME)).state.last_seq;
  const started = performance.now();
  const consumer = await nc.jetstream().consumers.get(STREAM_NAME, {
    filterSubjects: ALL_EVENTS_SUBJECT,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: 1,
  });
  const messages = await consumer.consume({ max_messages: 10_000 });
  const bound = setTimeout(() => messages.stop(), READ_BUDGET_MS);
  const totals = { commits: 0, events: 0, bytes: 0 };
  try {
    for await (const message of messages) {
      totals.commits++;
      totals.bytes += message.data.length;
      if (decode) totals.events += decodeCommit(message.data).events.length;
      if (message.seq >= last) break;
    }
  } finally {
    clearTimeout(bound);
    messages.stop();
  }
  return { ...totals, seconds: (performance.now() - started) / 1000 };
}

/** Debian keeps initdb and postgres off PATH, under /usr/lib/postgresql/<version>/bin; the throw-away cluster looks on PATH. */
function withDebianPostgresOnPath(): void {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return;
  const bins = readdirSync(root)
    .sort((a, b) => Number(b) - Number(a))
    .map((version) => join(root, version, 'bin'))
    .filter((bin) => existsSync(join(bin, 'initdb')));
  if (bins.length > 0) process.env.PATH = `${process.env.PATH ?? ''}:${bins[0]}`;
}

const median = (values: readonly number[]): number =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

interface Round {
  readonly floorMsgsPerSecond: number;
  readonly rebuild: RebuildReply;
  readonly eventsPerSecond: number;
  /** The projections process's CPU (every thread) for the rebuild. */
  readonly cpuSeconds: number;
}

/** A projections service (the built one) on a database, asked to rebuild `rounds` times, each after a floor read. */
async function rebuildRounds(
  nats: NatsServerHandle,
  nc: NatsConnection,
  client: ClientProxy,
  database: Record<string, string>,
  rounds: number,
): Promise<{ rounds: Round[]; catchUpSeconds: number }> {
  const port = await freePort();
  const service: ServiceProcess = spawnService('projections', builtService('projections'), {
    LBAAS_NATS_URL: nats.url,
    LBAAS_PROJECTIONS_PORT: String(port),
    LBAAS_LOG_LEVEL: 'warn',
    LBAAS_DB_PATH: '',
    LBAAS_DB_URL: '',
    ...database,
  });
  try {
    const started = performance.now();
    await waitFor(
      'the projections to catch up with the stream',
      async () => {
        if (!service.running()) throw new Error(`projections exited:\n${service.logs().slice(-3000)}`);
        const status = await ask<StatusReply>(client, QUERY_PATTERNS.status, 2000).catch(() => null);
        return !!status && status.streamLastSeq > 0 && status.checkpoint === status.streamLastSeq;
      },
      CATCH_UP_BUDGET_MS,
      100,
    );
    const catchUpSeconds = (performance.now() - started) / 1000;
    const results: Round[] = [];
    for (let round = 0; round < rounds; round++) {
      const floor = await readStream(nc, false);
      const cpuBefore = processCpuSeconds(service.pid());
      const rebuild = await ask<RebuildResult>(client, QUERY_PATTERNS.rebuild, REBUILD_BUDGET_MS);
      if ('error' in rebuild) throw new Error(`rebuild failed: ${rebuild.error.type}: ${rebuild.error.message}`);
      const cpuSeconds = processCpuSeconds(service.pid()) - cpuBefore;
      results.push({
        floorMsgsPerSecond: floor.commits / floor.seconds,
        rebuild,
        eventsPerSecond: rebuild.events / rebuild.seconds,
        cpuSeconds,
      });
      console.log(
        `  round ${round + 1}: floor ${Math.round(floor.commits / floor.seconds)} msgs/s, ` +
          `rebuild ${rebuild.events} events in ${rebuild.seconds.toFixed(2)} s = ${Math.round(rebuild.events / rebuild.seconds)} events/s, ` +
          `CPU ${cpuSeconds.toFixed(2)} s`,
      );
    }
    return { rounds: results, catchUpSeconds };
  } finally {
    await service.stop();
  }
}

async function ask<T>(client: ClientProxy, pattern: string, ms: number): Promise<T> {
  return firstValueFrom(client.send<T>(pattern, {}).pipe(timeout(ms)));
}

async function run(signal: AbortSignal): Promise<void> {
  Logger.overrideLogger(false);
  const dir = mkdtempSync(join(tmpdir(), 'lb-bench-rebuild-'));
  let nats: NatsServerHandle | undefined;
  let nc: NatsConnection | undefined;
  let client: ClientProxy | undefined;
  let postgres: TestPostgres | undefined;
  try {
    nats = await startNatsServer();
    nc = await connectNats('lb-bench-rebuild', nats.url);
    const store = await JetStreamEventStore.create(nc);
    await store.ensureStream();
    client = ClientProxyFactory.create({ transport: Transport.NATS, options: { servers: [nats.url], name: 'lb-bench-rebuild-queries' } });
    await client.connect();

    console.log(`history: ${POOLS} pools (members, updates, every third with a load balancer), ${WRITERS} writers`);
    const history = new RebuildHistory(store);
    await history.write(POOLS, WRITERS, signal);
    const stream = await readStream(nc, true);
    console.log(`stream: ${stream.commits} commits, ${stream.events} events, ${stream.bytes} bytes`);
    const decodeFloor = await readStream(nc, true);

    console.log(`SQLite: ${SQLITE_ROUNDS} rebuilds, each after a floor read`);
    const sqlite = await rebuildRounds(nats, nc, client, { LBAAS_DB_PATH: join(dir, 'read-models.sqlite') }, SQLITE_ROUNDS);
    if (SQLITE_ONLY) return;

    withDebianPostgresOnPath();
    postgres = await testPostgres();
    let onPostgres: { rounds: Round[]; catchUpSeconds: number } | null = null;
    if ('url' in postgres) {
      console.log(`PostgreSQL: ${POSTGRES_ROUNDS} rebuilds, each after a floor read`);
      onPostgres = await rebuildRounds(nats, nc, client, { LBAAS_DB_URL: postgres.url }, POSTGRES_ROUNDS);
    } else {
      console.warn(`PostgreSQL skipped: ${postgres.skipped}`);
    }

    console.log('live lag: the api-create load against a stack of its own');
    const lag: LiveLag = await measureLiveLag(signal);

    const floorValue = median(sqlite.rounds.map((r) => r.floorMsgsPerSecond));
    const readFloor = { metric: 'ordered read msgs/s', value: floorValue };
    const rows: BenchRow[] = [
      { metric: 'floor: ordered consumer read of LBAAS_EVENTS (median)', value: floorValue, unit: 'msgs/s' },
      { metric: 'floor: ordered read + decode of every commit', value: decodeFloor.commits / decodeFloor.seconds, unit: 'msgs/s' },
      {
        metric: 'rebuild on SQLite (median)',
        value: median(sqlite.rounds.map((r) => r.eventsPerSecond)),
        unit: 'events/s',
        floor: readFloor,
      },
      {
        metric: 'rebuild on SQLite, commits (median)',
        value: median(sqlite.rounds.map((r) => r.rebuild.commits / r.rebuild.seconds)),
        unit: 'commits/s',
        floor: readFloor,
      },
      {
        metric: 'rebuild on SQLite: projections CPU per 1,000 events (median)',
        value: median(sqlite.rounds.map((r) => (r.cpuSeconds * 1000) / (r.rebuild.events / 1000))),
        unit: 'ms',
      },
      { metric: 'live catch-up on SQLite from 0', value: stream.events / sqlite.catchUpSeconds, unit: 'events/s', floor: readFloor },
      ...(onPostgres
        ? [
            {
              metric: 'rebuild on PostgreSQL (median)',
              value: median(onPostgres.rounds.map((r) => r.eventsPerSecond)),
              unit: 'events/s',
              floor: { metric: 'ordered read msgs/s', value: median(onPostgres.rounds.map((r) => r.floorMsgsPerSecond)) },
            },
          ]
        : []),
      { metric: 'floor: publish -> ordered consumer delivery p50', value: lag.deliveryMs.p50, unit: 'ms' },
      { metric: 'floor: publish -> ordered consumer delivery p99', value: lag.deliveryMs.p99, unit: 'ms' },
      {
        metric: 'live lag under api-create load p50 (publish -> row visible)',
        value: lag.visibleMs.p50,
        unit: 'ms',
        floor: { metric: 'delivery p50', value: lag.deliveryMs.p50 },
      },
      {
        metric: 'live lag under api-create load p99 (publish -> row visible)',
        value: lag.visibleMs.p99,
        unit: 'ms',
        floor: { metric: 'delivery p99', value: lag.deliveryMs.p99 },
      },
      { metric: 'live lag under api-create load max', value: lag.visibleMs.max, unit: 'ms' },
      { metric: 'projections CPU per create under the api-create load', value: lag.projectionsCpuMsPerCreate, unit: 'ms' },
    ];
    report('rebuild', rows, {
      machine: { cpus: cpus().length, node: process.version, natsServer: nc.info?.version ?? 'unknown' },
      history: { pools: POOLS, writers: WRITERS, ...stream },
      sqlite: { catchUpSeconds: sqlite.catchUpSeconds, rounds: sqlite.rounds },
      postgres: onPostgres ?? { skipped: 'skipped' in postgres ? postgres.skipped : 'unknown' },
      liveLag: lag,
    });
  } finally {
    await client?.close();
    await nc?.close();
    await nats?.stop();
    if (postgres && 'stop' in postgres) await postgres.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const rebuild = { name: 'rebuild', run };
