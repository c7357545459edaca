import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ALL_EVENTS_SUBJECT, connectNats, STREAM_NAME } from '@lbaas/event-log';
import { createDataSource, READ_MODELS_PROJECTION } from '@lbaas/read-models';
import { startStack, type Stack } from '@lbaas/testing';
import { DeliverPolicy, type NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import { percentile } from './report';
import { createPoolsWithMembers, NeutronCreates } from './pool-member-load';

/** The api-create bench's load: 1,000 pools with four members each over HTTP, 16 workers. */
const POOLS = 1000;
const MEMBERS_PER_POOL = 4;
const WORKERS = 16;
const LOAD_BUDGET_MS = 5 * 60_000;
/** How often the bench reads the read model's checkpoint: the lag is known to within this. */
const POLL_EVERY_MS = 2;

export interface LagFigures {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export interface LiveLag {
  readonly commits: number;
  readonly creates: number;
  readonly failures: readonly string[];
  readonly loadSeconds: number;
  readonly pollEveryMs: number;
  /** Stored in the stream (the server's timestamp) -> the checkpoint read at or past it in the read-model file. */
  readonly visibleMs: LagFigures;
  /** Stored in the stream -> delivered to an ordered consumer in the bench: what any consumer waits at least. */
  readonly deliveryMs: LagFigures;
  /** The projections process's CPU over the load and its catching up, per create. */
  readonly projectionsCpuMsPerCreate: number;
}

const now = (): number => performance.timeOrigin + performance.now();

/** Linux's USER_HZ: /proc counts CPU time in these ticks. */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU seconds (user + system, every thread) a process has used so far: steadier than rates on a
 * machine whose neighbours' load moves the wall clock.
 */
export function processCpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  // The fields after "pid (comm) ": state is the first, utime the 12th and stime the 13th.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

const figures = (values: number[]): LagFigures => {
  const sorted = values.sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? 0 };
};

/**
 * Runs the api-create load against a stack of its own while it reads, every few milliseconds,
 * the checkpoint that the projections commit with their rows (so a commit's rows are visible
 * exactly when the checkpoint covers it), and follows the stream with an ordered consumer.
 */
export async function measureLiveLag(signal: AbortSignal): Promise<LiveLag> {
  let stack: Stack | undefined;
  let nc: NatsConnection | undefined;
  let readModel: DataSource | undefined;
  try {
    stack = await startStack();
    nc = await connectNats('lb-bench-lag', stack.nats.url);
    readModel = await createDataSource({ sqlitePath: join(stack.dir, 'read-models.sqlite') }, { readOnly: true }).initialize();
    const from = (await (await nc.jetstreamManager()).streams.info(STREAM_NAME)).state.last_seq + 1;

    const stored = new Map<number, number>();
    const delivered = new Map<number, number>();
    const consumer = await nc.jetstream().consumers.get(STREAM_NAME, {
      filterSubjects: ALL_EVENTS_SUBJECT,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: from,
    });
    const messages = await consumer.consume({ max_messages: 1000 });
    const following = (async () => {
      for await (const message of messages) {
        delivered.set(message.seq, now());
        stored.set(message.seq, message.info.timestampNanos / 1e6);
      }
    })();

    const seen: { at: number; position: number }[] = [];
    let polling = true;
    const reader = readModel;
    const poll = (async () => {
      while (polling) {
        const rows: { position: number | string }[] = await reader.query('SELECT position FROM checkpoints WHERE projection = ?', [
          READ_MODELS_PROJECTION,
        ]);
        const position = Number(rows[0]?.position ?? 0);
        if (seen.length === 0 || position > seen[seen.length - 1].position) seen.push({ at: now(), position });
        await new Promise((resolve) => setTimeout(resolve, POLL_EVERY_MS));
      }
    })();

    const projectionsCpu = processCpuSeconds(stack.services.projections.pid());
    const api = new NeutronCreates(stack.apiUrl, stack.tokens.demo.token, signal, WORKERS);
    const network = await api.create('networks', 'network', { name: 'lag-net' });
    const subnet = await api.create('subnets', 'subnet', { name: 'lag-subnet', network_id: network.id, cidr: '198.18.0.0/16' });
    const load = await createPoolsWithMembers(
      api,
      subnet.id,
      { pools: POOLS, membersPerPool: MEMBERS_PER_POOL, workers: WORKERS, budgetMs: LOAD_BUDGET_MS },
      signal,
    );
    api.close();
    const to = (await (await nc.jetstreamManager()).streams.info(STREAM_NAME)).state.last_seq;
    const caughtUp = Date.now() + 60_000;
    while ((seen.at(-1)?.position ?? 0) < to && Date.now() < caughtUp) await new Promise((resolve) => setTimeout(resolve, 20));
    const projectionsCpuSeconds = processCpuSeconds(stack.services.projections.pid()) - projectionsCpu;
    polling = false;
    await poll;
    messages.stop();
    await following;

    const visible: number[] = [];
    const delivery: number[] = [];
    let sample = 0;
    for (let seq = from; seq <= to; seq++) {
      const at = stored.get(seq);
      if (at === undefined) continue;
      while (sample < seen.length && seen[sample].position < seq) sample++;
      if (sample < seen.length) visible.push(seen[sample].at - at);
      const got = delivered.get(seq);
      if (got !== undefined) delivery.push(got - at);
    }
    const creates = load.poolMs.length + load.memberMs.length;
    return {
      commits: to - from + 1,
      creates,
      failures: load.failures.slice(0, 10),
      loadSeconds: load.seconds,
      pollEveryMs: POLL_EVERY_MS,
      visibleMs: figures(visible),
      deliveryMs: figures(delivery),
      projectionsCpuMsPerCreate: (projectionsCpuSeconds * 1000) / creates,
    };
  } finally {
    await readModel?.destroy();
    await nc?.close();
    await stack?.stop();
  }
}
