import type { AggregateBehaviour, AggregateType, Commit, Upcaster } from '@lbaas/domain';
import type { DataSource, EntityManager } from 'typeorm';
import { AggregateState, Checkpoint } from './tables/bookkeeping-tables';
import { LoadedStates, StateCache, stateKey, viewRows } from './folded-states';
import { FoldedWrites, writeFolded } from './folded-writes';
import { keptStatementsOf, keptTransaction, queryKept } from './kept-statements';
import { chunks } from './row-writes';
import { RESOURCE_TABLES } from './tables/resource-tables';

/** A commit with its stream sequence, as the event store's consumers deliver it (`StoredCommit`). */
export interface ProjectableCommit {
  readonly seq: number;
  readonly subject: string;
  readonly commit: Commit;
}

/** What the projector needs of the domain: the registry (`AGGREGATES`) and `upcast`. */
export interface ProjectorDomain {
  readonly aggregates: Readonly<Partial<Record<AggregateType, AggregateBehaviour>>>;
  readonly upcast: Upcaster;
}

export interface ApplyResult {
  /** The checkpoint after the batch. */
  readonly position: number;
  /** Commits applied (those at or below the checkpoint are skipped). */
  readonly commits: number;
  readonly events: number;
}

export interface RebuildProgress {
  readonly commits: number;
  readonly events: number;
  readonly position: number;
  readonly seconds: number;
}

export interface RebuildOptions {
  /** Events per transaction (per progress report with `unread`); a few thousand keeps a rebuild fast without huge transactions. */
  readonly batchEvents?: number;
  readonly onProgress?: (progress: RebuildProgress) => void;
  /**
   * Nobody reads the database until the rebuild has ended (a new file, rebuild-beside.ts): the
   * rows are then written once, at the end, instead of a transaction per batch.
   */
  readonly unread?: boolean;
}

/** The checkpoint row of the read models; one projection writes every resource table. */
export const READ_MODELS_PROJECTION = 'read-models';

/**
 * How many folded states a rebuild keeps between batches. Below it the rebuild reads no state
 * back (it wrote every one itself); above it, it drops them and reads each batch's back.
 */
const MAX_CARRIED_STATES = 100_000;

/** How many states the live projection keeps between its transactions (StateCache). */
const LIVE_CACHED_STATES = 5_000;

/**
 * Projects commits of every aggregate into the read-model tables through the domain registry:
 * fold the aggregate's stored state with the commit's events, compare what `views` shows before
 * and after, write the difference, the new state and the checkpoint in one transaction. A
 * commit at or below the checkpoint is skipped, so redelivery is harmless.
 */
export class Projector {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly cache = new StateCache(LIVE_CACHED_STATES);

  constructor(
    private readonly db: DataSource,
    private readonly domain: ProjectorDomain,
    private readonly name = READ_MODELS_PROJECTION,
  ) {}

  /** The same projection writing to another database: a rebuild's new file. */
  on(db: DataSource): Projector {
    return new Projector(db, this.domain, this.name);
  }

  /** The stream sequence of the last applied commit, 0 before the first. */
  position(): Promise<number> {
    return this.exclusive(() => readPosition(this.db.manager, this.name));
  }

  /**
   * Forgets the states kept between transactions: the database's file was replaced (a rebuild
   * beside it swapped in), so they are read back from it.
   */
  forgetStates(): Promise<void> {
    return this.exclusive(async () => this.cache.forget());
  }

  /** Applies commits in stream order in one transaction: one commit when live, thousands when rebuilding. */
  applyCommits(stored: readonly ProjectableCommit[]): Promise<ApplyResult> {
    return this.exclusive(() => this.applyBatch(stored));
  }

  /**
   * Drops every projected row, state and checkpoint, then replays `source` (the stream from
   * sequence 1, in order) in batches. Pool stats are not derived from the log and stay.
   */
  rebuild(source: AsyncIterable<ProjectableCommit>, options: RebuildOptions = {}): Promise<RebuildProgress> {
    return this.exclusive(() => {
      this.cache.forget();
      return options.unread ? this.replayThenWrite(source, options) : this.replayInBatches(source, options);
    });
  }

  /** A transaction per batch, each read back as the live projection's would be. */
  private async replayInBatches(source: AsyncIterable<ProjectableCommit>, options: RebuildOptions): Promise<RebuildProgress> {
    const batchEvents = options.batchEvents ?? 5000;
    const elapsed = stopwatch();
    const totals = { commits: 0, events: 0, position: 0 };
    let batch: ProjectableCommit[] = [];
    let batchSize = 0;
    // The tables start empty, so an aggregate the rebuild has not folded yet has no stored state.
    let carried: LoadedStates | undefined = new LoadedStates();
    // One write at a time, in order, while the next batch is read off the stream: the read
    // overlaps the database's work instead of waiting for it.
    let writing = guarded(this.clear());
    const flush = async () => {
      const next = batch;
      batch = [];
      batchSize = 0;
      await writing;
      writing = guarded(
        this.applyBatch(next, carried).then((result) => {
          if (carried && carried.size > MAX_CARRIED_STATES) carried = undefined;
          totals.commits += result.commits;
          totals.events += result.events;
          totals.position = result.position;
          options.onProgress?.({ ...totals, seconds: elapsed() });
        }),
      );
    };
    try {
      for await (const stored of source) {
        batch.push(stored);
        batchSize += stored.commit.events.length;
        if (batchSize >= batchEvents) await flush();
      }
      if (batch.length > 0) await flush();
    } finally {
      // Whatever ended the replay, no write outlives the rebuild's turn.
      await writing.catch(() => undefined);
    }
    await writing;
    return { ...totals, seconds: elapsed() };
  }

  /**
   * Folds the replay in memory in one transaction and writes each row and state once, at the end
   * or, for an aggregate the replay has not folded for a whole batch (most likely done with), while
   * the replay goes on: SQLite writes it on its own thread meanwhile. One folded again after all
   * is written again, only its changed rows. Should the states outgrow MAX_CARRIED_STATES, they are
   * written then and the rest goes in batches that read their states back, as the live
   * projection's do. Progress reports what has been folded.
   */
  private async replayThenWrite(source: AsyncIterable<ProjectableCommit>, options: RebuildOptions): Promise<RebuildProgress> {
    const batchEvents = options.batchEvents ?? 5000;
    const elapsed = stopwatch();
    const totals = { commits: 0, events: 0, position: 0 };
    let reported = 0;
    const report = () => {
      if (totals.events - reported < batchEvents) return;
      reported = totals.events;
      options.onProgress?.({ ...totals, seconds: elapsed() });
    };
    await this.clear();
    const commits = source[Symbol.asyncIterator]();
    try {
      const outgrown = await keptTransaction(this.db, async (tx) => {
        const states = new LoadedStates();
        const writes = new FoldedWrites(tx, this.name, true);
        let windowStart = { position: 0, events: 0 };
        try {
          for (let next = await commits.next(); !next.done; next = await commits.next()) {
            const item = next.value;
            if (item.seq <= totals.position) continue;
            totals.events += this.fold(states, item);
            totals.commits++;
            totals.position = item.seq;
            if (states.size > MAX_CARRIED_STATES) {
              await writes.draw(states);
              await writes.finish(totals.position);
              return true;
            }
            if (totals.events - windowStart.events >= batchEvents) {
              await writes.draw(states, windowStart.position);
              windowStart = { position: totals.position, events: totals.events };
            }
            report();
          }
          await writes.draw(states);
          if (totals.commits > 0) await writes.finish(totals.position);
          return false;
        } finally {
          // Nothing may run after the transaction ends (a rollback would leave it outside).
          await writes.settled();
        }
      });
      if (outgrown) {
        let batch: ProjectableCommit[] = [];
        let batchSize = 0;
        const applyBatch = async () => {
          const result = await this.applyBatch(batch);
          batch = [];
          batchSize = 0;
          totals.commits += result.commits;
          totals.events += result.events;
          totals.position = result.position;
        };
        for (let next = await commits.next(); !next.done; next = await commits.next()) {
          batch.push(next.value);
          batchSize += next.value.commit.events.length;
          if (batchSize >= batchEvents) await applyBatch();
          report();
        }
        if (batch.length > 0) await applyBatch();
      }
    } finally {
      // As a for-await loop would: a replay broken off stops reading the stream.
      await commits.return?.();
    }
    const result = { ...totals, seconds: elapsed() };
    if (reported < totals.events) options.onProgress?.(result);
    return result;
  }

  private clear(): Promise<void> {
    return keptTransaction(this.db, async (tx) => {
      for (const table of Object.values(RESOURCE_TABLES)) await tx.clear(table.entity);
      await tx.clear(AggregateState);
      await tx.delete(Checkpoint, { projection: this.name });
    });
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work, work);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /**
   * `carried` holds every state stored so far (a rebuild's own), so none is read back; without
   * it the batch takes the states of the aggregates it touches from the cache of those the last
   * transaction committed, and reads the others back.
   */
  private async applyBatch(stored: readonly ProjectableCommit[], carried?: LoadedStates): Promise<ApplyResult> {
    let states: LoadedStates | undefined;
    try {
      const result = await keptTransaction(this.db, async (tx) => {
        const checkpoint = await readPosition(tx, this.name, true);
        let position = checkpoint;
        const fresh: ProjectableCommit[] = [];
        for (const item of stored) {
          if (item.seq <= position) continue;
          fresh.push(item);
          position = item.seq;
        }
        if (fresh.length === 0) return { position, commits: 0, events: 0 };

        states = carried ?? (await this.loadStates(tx, fresh, this.cache.validAt(checkpoint)));
        let events = 0;
        for (const item of fresh) events += this.fold(states, item);
        await writeFolded(tx, states, this.name, position);
        return { position, commits: fresh.length, events };
      });
      if (states && !carried) this.cache.committed(states, result.position);
      return result;
    } catch (error) {
      // The states in hand were folded past what the database holds now.
      this.cache.forget();
      throw error;
    }
  }

  /** Evolves the commit's aggregate in `states`; the events folded (none for a commit seen before). */
  private fold(states: LoadedStates, item: ProjectableCommit): number {
    const target = aggregateOf(item);
    const behaviour = target && this.domain.aggregates[target.aggregate];
    if (!target || !behaviour) return 0;
    const key = stateKey(target.aggregate, target.id);
    let loaded = states.get(key);
    if (!loaded) {
      const { initialState } = behaviour;
      loaded = { behaviour, version: 0, state: initialState, rows: viewRows(behaviour.views(initialState)), changed: false };
      states.set(key, loaded);
    }
    if (item.seq <= loaded.version) return 0;
    let next = loaded.state;
    for (const event of item.commit.events) next = behaviour.evolve(next, this.domain.upcast(event));
    loaded.state = next;
    loaded.version = item.seq;
    if (!loaded.changed) {
      loaded.changed = true;
      states.changed.push(key);
    }
    return item.commit.events.length;
  }

  /** The states of the aggregates `commits` touch: from the cache where `cached`, read back otherwise. */
  private async loadStates(tx: EntityManager, commits: readonly ProjectableCommit[], cached: boolean): Promise<LoadedStates> {
    const states = new LoadedStates();
    const wanted = new Map<string, { aggregate: AggregateType; id: string }>();
    for (const item of commits) {
      const target = aggregateOf(item);
      if (!target) continue;
      const key = stateKey(target.aggregate, target.id);
      if (states.has(key) || wanted.has(key)) continue;
      const kept = cached ? this.cache.take(key) : undefined;
      if (kept) states.set(key, kept);
      else wanted.set(key, target);
    }
    // By aggregate and ids, the primary key's order: by ids alone every look-up scanned the table.
    const idsByAggregate = new Map<AggregateType, string[]>();
    for (const { aggregate, id } of wanted.values()) {
      const ids = idsByAggregate.get(aggregate);
      if (ids) ids.push(id);
      else idsByAggregate.set(aggregate, [id]);
    }
    for (const [aggregate, ids] of idsByAggregate)
      for (const chunk of chunks(ids, 500)) {
        for (const row of await readStates(tx, aggregate, chunk)) {
          const key = stateKey(row.aggregate, row.aggregate_id);
          const behaviour = this.domain.aggregates[row.aggregate as AggregateType];
          if (!wanted.has(key) || !behaviour) continue;
          const state: unknown = JSON.parse(row.state);
          states.set(key, {
            behaviour,
            version: row.version,
            state,
            rows: viewRows(behaviour.views(state)),
            changed: false,
          });
        }
      }
    return states;
  }
}

/** Seconds since it was made. */
function stopwatch(): () => number {
  const started = process.hrtime.bigint();
  return () => Number(process.hrtime.bigint() - started) / 1e9;
}

/** The same promise, marked handled: its failure surfaces where it is awaited, not as an unhandled rejection before. */
function guarded<T>(work: Promise<T>): Promise<T> {
  work.catch(() => undefined);
  return work;
}

/**
 * Plain SQL where a read runs once per live transaction: building it through the query builder
 * cost more than the database's work. Placeholders are the driver's own.
 */
const placeholder = (manager: EntityManager, n: number): string => (manager.connection.options.type === 'postgres' ? `$${n}` : '?');

async function readPosition(manager: EntityManager, projection: string, forUpdate = false): Promise<number> {
  // Two projections processes on one PostgreSQL database take turns instead of interleaving.
  const lock = forUpdate && manager.connection.options.type === 'postgres' ? ' FOR UPDATE' : '';
  const rows = await queryKept<{ position: number | string }>(
    manager,
    `SELECT "position" FROM "checkpoints" WHERE "projection" = ${placeholder(manager, 1)}${lock}`,
    [projection],
  );
  return rows.length > 0 ? Number(rows[0].position) : 0;
}

/**
 * The stored states of `ids` of one aggregate type, by the primary key (aggregate, aggregate_id).
 * Where the connection keeps statements the ids travel as one JSON text: one text serves any number.
 */
async function readStates(manager: EntityManager, aggregate: string, ids: readonly string[]): Promise<AggregateState[]> {
  const asJson = keptStatementsOf(manager) !== null;
  const list = asJson ? 'SELECT value FROM json_each(?)' : ids.map((_, i) => placeholder(manager, i + 2)).join(', ');
  const rows = await queryKept<{ aggregate: string; aggregate_id: string; version: number | string; state: string }>(
    manager,
    `SELECT "aggregate", "aggregate_id", "version", "state" FROM "aggregate_states" WHERE "aggregate" = ${placeholder(manager, 1)} AND "aggregate_id" IN (${list})`,
    asJson ? [aggregate, JSON.stringify(ids)] : [aggregate, ...ids],
  );
  return rows.map((row) => ({ ...row, version: Number(row.version) }));
}

/** The aggregate a commit belongs to: from its events, else from its subject `lbaas.events.<aggregate>.<id>`. */
function aggregateOf({ subject, commit }: ProjectableCommit): { aggregate: AggregateType; id: string } | null {
  const first = commit.events[0];
  if (first) return { aggregate: first.aggregate, id: first.aggregateId };
  const parts = subject.split('.');
  return parts.length === 4 ? { aggregate: parts[2] as AggregateType, id: parts[3] } : null;
}
