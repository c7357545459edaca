import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { AGGREGATES, type AggregateType, ConcurrencyConflict, type EventEnvelope, upcast } from '@lbaas/domain';
import {
  type AggregateHistory,
  type AppendOptions,
  type AppendResult,
  decodeCommit,
  encodeCommit,
  type EventStore,
} from '@lbaas/event-log';
import { createDataSource, openReadModels, type ProjectableCommit, Projector, rebuildBeside } from '@lbaas/read-models';
import { RebuildHistory } from './rebuild-history';

const DOMAIN = { aggregates: AGGREGATES, upcast };
/** What a rebuild's new file runs with (rebuild-beside.ts). */
const BUILD_PRAGMAS = ['PRAGMA journal_mode = OFF', 'PRAGMA synchronous = OFF', 'PRAGMA temp_store = MEMORY', 'PRAGMA cache_size = -65536'];
/** Most commits the live part applies, one per transaction. */
const LIVE_COMMITS = 20_000;

/** The event store's contract in memory, by subject: the history generator's writes without NATS. */
class SubjectMapStore implements EventStore {
  readonly stored: { seq: number; subject: string; data: Uint8Array }[] = [];
  private readonly bySubject = new Map<string, { events: EventEnvelope[]; version: number }>();

  async read(aggregate: AggregateType, id: string): Promise<AggregateHistory> {
    const history = this.bySubject.get(`lbaas.events.${aggregate}.${id}`);
    return history ? { events: [...history.events], version: history.version } : { events: [], version: 0 };
  }

  async append(aggregate: AggregateType, id: string, events: readonly EventEnvelope[], options: AppendOptions): Promise<AppendResult> {
    const subject = `lbaas.events.${aggregate}.${id}`;
    const history = this.bySubject.get(subject) ?? { events: [], version: 0 };
    if (history.version !== options.expectedVersion) throw new ConcurrencyConflict(subject);
    const seq = this.stored.length + 1;
    this.stored.push({ seq, subject, data: encodeCommit({ commitId: options.commitId, events }) });
    history.events.push(...events);
    history.version = seq;
    this.bySubject.set(subject, history);
    return { seq, duplicate: false };
  }
}

const cpuSeconds = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

/**
 * With node's --expose-gc, the most heap the rebuild held beyond what was live before it, sampled
 * after a full collection at each progress report (every 5,000 events): its folded states.
 */
class HeldHeap {
  most = 0;
  private readonly before = HeldHeap.live();

  readonly sample = (): void => {
    this.most = Math.max(this.most, HeldHeap.live() - this.before);
  };

  private static live(): number {
    const collect = (globalThis as { gc?: () => void }).gc;
    if (!collect) return 0;
    collect();
    return process.memoryUsage().heapUsed;
  }
}

/** Runs `work` under the inspector's CPU profiler when PROFILE names a file prefix. */
async function profiled<T>(name: string, work: () => Promise<T>): Promise<T> {
  const prefix = process.env.PROFILE;
  if (!prefix) return work();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(`${prefix}-${name}.cpuprofile`, JSON.stringify(profile));
    session.disconnect();
  }
}

/**
 * The projector's work on a generated history (rebuild-history.ts) in one process without NATS,
 * the decoding of every commit included, with the CPU it took: `node bench/dist/rebuild-fold.js
 * 1000 10000` rebuilds a history of 1,000 pools, then one of 10,000, each into a new file as a
 * rebuild beside does. LIVE=1 applies the first commits one per transaction as the live projection
 * does when the log is quiet; PROFILE=<prefix> writes a CPU profile of each part.
 */
async function main(): Promise<void> {
  const sizes = process.argv.slice(2).map(Number);
  for (const pools of sizes.length > 0 ? sizes : [1000]) {
    const store = new SubjectMapStore();
    const history = new RebuildHistory(store);
    if (process.env.WIDE) await history.writeWide(pools);
    else await history.write(pools, 1, new AbortController().signal);
    const dir = mkdtempSync(join(tmpdir(), 'lb-rebuild-fold-'));
    try {
      if (process.env.LIVE) {
        const live = await createDataSource({ sqlitePath: join(dir, 'live.sqlite') }).initialize();
        await live.query('PRAGMA synchronous = NORMAL');
        const commits = store.stored.slice(0, LIVE_COMMITS);
        const projector = new Projector(live, DOMAIN);
        const started = cpuSeconds();
        await profiled(`live-${pools}`, async () => {
          for (const { seq, subject, data } of commits) await projector.applyCommits([{ seq, subject, commit: decodeCommit(data) }]);
        });
        const perCommit = ((cpuSeconds() - started) * 1000) / commits.length;
        console.log(`${pools} pools, live: ${commits.length} commits one per transaction, ${perCommit.toFixed(3)} ms of CPU per commit`);
        await live.destroy();
      }
      async function* replay(fromSeq = 1): AsyncIterable<ProjectableCommit> {
        for (const { seq, subject, data } of store.stored.slice(fromSeq - 1)) yield { seq, subject, commit: decodeCommit(data) };
      }
      const heldHeap = new HeldHeap();
      const wall = performance.now();
      const cpu = cpuSeconds();
      let result: { commits: number; events: number };
      if (process.env.BESIDE) {
        // The service's whole rebuild: a new file beside a serving one, indexes made after, swapped in.
        const connections = await openReadModels({ sqlitePath: join(dir, 'serving.sqlite') });
        const projector = new Projector(connections.writer, DOMAIN);
        result = await profiled(`beside-${pools}`, () =>
          rebuildBeside(connections, projector, { replay, pauseLive: async () => undefined }),
        );
        await connections.close();
      } else {
        const db = await createDataSource({ sqlitePath: join(dir, 'rebuilt.sqlite') }, { beingRebuilt: true }).initialize();
        for (const pragma of BUILD_PRAGMAS) await db.query(pragma);
        result = await profiled(`rebuild-${pools}`, () =>
          new Projector(db, DOMAIN).rebuild(replay(), { unread: true, onProgress: heldHeap.sample }),
        );
        await db.destroy();
      }
      const seconds = (performance.now() - wall) / 1000;
      const cpuUsed = cpuSeconds() - cpu;
      if (heldHeap.most > 0) console.log(`${pools} pools: the rebuild held at most ${(heldHeap.most / 2 ** 20).toFixed(1)} MiB of heap`);
      console.log(
        `${pools} pools, ${process.env.BESIDE ? 'rebuild beside' : 'rebuild'}: ${result.commits} commits, ${result.events} events in ${seconds.toFixed(2)} s ` +
          `(${Math.round(result.events / seconds)} events/s), CPU ${cpuUsed.toFixed(2)} s (${Math.round(result.events / cpuUsed)} events per CPU-second)`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

void main();
