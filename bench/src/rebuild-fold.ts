import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { AGGREGATES, type AggregateType, ConcurrencyConflict, type EventEnvelope, upcast } from '@lbaas/domain';
import { type AggregateHistory, type AppendOptions, type AppendResult, decodeCommit, encodeCommit, type EventStore } from '@lbaas/event-log';
import { createDataSource, foldInWorker, type ProjectableCommit, Projector } from '@lbaas/read-models';
import { RebuildHistory } from './rebuild-history';

/** The event store's contract in memory, keyed by subject: the history generator's writes without NATS. */
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
 * The rebuild's fold and write in one process without NATS, on a history of `pools` pools, the
 * replay's decoding included: `node bench/dist/rebuild-fold.js 1000 10000`.
 */
async function main(): Promise<void> {
  const sizes = process.argv.slice(2).map(Number);
  for (const pools of sizes.length > 0 ? sizes : [1000]) {
    const store = new SubjectMapStore();
    await new RebuildHistory(store).write(pools, 1, new AbortController().signal);
    const dir = mkdtempSync(join(tmpdir(), 'lb-rebuild-fold-'));
    const db = await createDataSource({ sqlitePath: join(dir, 'rm.sqlite') }, { beingRebuilt: true }).initialize();
    for (const pragma of ['PRAGMA journal_mode = OFF', 'PRAGMA synchronous = OFF', 'PRAGMA temp_store = MEMORY', 'PRAGMA cache_size = -65536'])
      await db.query(pragma);
    async function* replay(): AsyncIterable<ProjectableCommit> {
      for (const { seq, subject, data } of store.stored) yield { seq, subject, commit: decodeCommit(data) };
    }
    const session = new Session();
    session.connect();
    if (process.env.PROFILE) {
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    }
    const wall = performance.now();
    const cpu = cpuSeconds();
    async function* raw() {
      for (const stored of store.stored) yield stored;
    }
    const result = process.env.WORKER
      ? await (async () => {
          await db.destroy();
          return foldInWorker(join(dir, 'rm.sqlite'), raw(), {});
        })()
      : await new Projector(db, { aggregates: AGGREGATES, upcast }).rebuild(replay(), { unread: true });
    const seconds = (performance.now() - wall) / 1000;
    const cpuUsed = cpuSeconds() - cpu;
    if (process.env.PROFILE) {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(`${process.env.PROFILE}-${pools}.cpuprofile`, JSON.stringify(profile));
    }
    console.log(
      `${pools} pools: ${result.commits} commits, ${result.events} events in ${seconds.toFixed(2)} s ` +
        `(${Math.round(result.events / seconds)} events/s), CPU ${cpuUsed.toFixed(2)} s (${Math.round(result.events / cpuUsed)} events per CPU-second)`,
    );
    if (db.isInitialized) await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
