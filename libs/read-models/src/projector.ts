import type { AggregateBehaviour, AggregateType, Collection, Commit, ResourceRows, Upcaster } from '@lbaas/domain';
import { type DataSource, type EntityManager, type EntityTarget, In, type ObjectLiteral } from 'typeorm';
import { AggregateState, Checkpoint } from './tables/bookkeeping-tables';
import { RESOURCE_TABLES, type ResourceRow } from './tables/resource-tables';

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
  /** Events per transaction; a few thousand keeps a rebuild fast without huge transactions. */
  readonly batchEvents?: number;
  readonly onProgress?: (progress: RebuildProgress) => void;
}

/** The checkpoint row of the read models; one projection writes every resource table. */
export const READ_MODELS_PROJECTION = 'read-models';

/** SQLite binds at most 32766 parameters per statement, PostgreSQL 65535. */
const MAX_PARAMETERS = 30_000;

/** A row with its canonical JSON, to tell a changed row from an unchanged one. */
interface ViewRow {
  readonly row: ResourceRow;
  readonly fingerprint: string;
}
type ViewRowsByCollection = Map<Collection, Map<string, ViewRow>>;

interface LoadedState {
  readonly behaviour: AggregateBehaviour;
  version: number;
  state: unknown;
  /** The state as stored: the JSON text the state was last parsed from. */
  json: string;
  /** The rows the tables hold for the aggregate: what its views showed when last written. */
  rows: ViewRowsByCollection;
  changed: boolean;
}
type LoadedStates = Map<string, LoadedState>;

/**
 * How many folded states a rebuild keeps between batches. Below it the rebuild reads no state
 * back (it wrote every one itself); above it, it drops them and reads each batch's back.
 */
const MAX_CARRIED_STATES = 100_000;

function viewRows(views: ResourceRows): ViewRowsByCollection {
  const byCollection: ViewRowsByCollection = new Map();
  for (const collection of Object.keys(views) as Collection[]) {
    const table = RESOURCE_TABLES[collection];
    if (!table) continue;
    const rows = new Map<string, ViewRow>();
    for (const resource of views[collection] ?? []) {
      const row = table.toRow(resource);
      rows.set(resource.id, { row, fingerprint: JSON.stringify(row) });
    }
    byCollection.set(collection, rows);
  }
  return byCollection;
}

/**
 * Projects commits of every aggregate into the read-model tables through the domain registry:
 * fold the aggregate's stored state with the commit's events, compare what `views` shows before
 * and after, write the difference, the new state and the checkpoint in one transaction. A
 * commit at or below the checkpoint is skipped, so redelivery is harmless.
 */
export class Projector {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: DataSource,
    private readonly domain: ProjectorDomain,
    private readonly name = READ_MODELS_PROJECTION,
  ) {}

  /** The stream sequence of the last applied commit, 0 before the first. */
  position(): Promise<number> {
    return this.exclusive(() => readPosition(this.db.manager, this.name));
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
    const batchEvents = options.batchEvents ?? 5000;
    return this.exclusive(async () => {
      const started = process.hrtime.bigint();
      const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
      let commits = 0;
      let events = 0;
      let position = 0;
      let batch: ProjectableCommit[] = [];
      let batchSize = 0;
      // The tables start empty, so an aggregate the rebuild has not folded yet has no stored state.
      let carried: LoadedStates | undefined = new Map();
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
            commits += result.commits;
            events += result.events;
            position = result.position;
            options.onProgress?.({ commits, events, position, seconds: seconds() });
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
      return { commits, events, position, seconds: seconds() };
    });
  }

  private clear(): Promise<void> {
    return this.db.transaction(async (tx) => {
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
   * it the batch reads the states of the aggregates it touches.
   */
  private applyBatch(stored: readonly ProjectableCommit[], carried?: LoadedStates): Promise<ApplyResult> {
    return this.db.transaction(async (tx) => {
      const checkpoint = await readPosition(tx, this.name, true);
      let position = checkpoint;
      const fresh: ProjectableCommit[] = [];
      for (const item of stored) {
        if (item.seq <= position) continue;
        fresh.push(item);
        position = item.seq;
      }
      if (fresh.length === 0) return { position, commits: 0, events: 0 };

      const states = carried ?? (await this.loadStates(tx, fresh));
      let events = 0;
      for (const item of fresh) {
        const target = aggregateOf(item);
        const behaviour = target && this.domain.aggregates[target.aggregate];
        if (!target || !behaviour) continue;
        const key = stateKey(target.aggregate, target.id);
        let loaded = states.get(key);
        if (!loaded) {
          const { initialState } = behaviour;
          loaded = { behaviour, version: 0, state: initialState, json: '', rows: viewRows(behaviour.views(initialState)), changed: false };
          states.set(key, loaded);
        }
        if (item.seq <= loaded.version) continue;
        let next = loaded.state;
        for (const event of item.commit.events) next = behaviour.evolve(next, this.domain.upcast(event));
        // A JSON round trip per commit makes a rebuilt state identical to one stored and reloaded live;
        // it leaves secrets out, which no view shows.
        loaded.json = storedJson(next);
        loaded.state = JSON.parse(loaded.json);
        loaded.version = item.seq;
        loaded.changed = true;
        events += item.commit.events.length;
      }

      // Each row belongs to one aggregate, so the rows its last state shows are the batch's net
      // change to them: the views are drawn once per aggregate and batch, not once per commit.
      const changes = new RowChanges();
      const saved: AggregateState[] = [];
      for (const [key, loaded] of states) {
        if (!loaded.changed) continue;
        const rows = viewRows(loaded.behaviour.views(loaded.state));
        changes.diff(loaded.rows, rows);
        loaded.rows = rows;
        loaded.changed = false;
        const [aggregate, aggregate_id] = splitStateKey(key);
        saved.push({ aggregate, aggregate_id, version: loaded.version, state: loaded.json });
      }

      await changes.write(tx);
      await upsert(tx, AggregateState, saved, ['aggregate', 'aggregate_id']);
      await upsert(tx, Checkpoint, [{ projection: this.name, position }], ['projection']);
      return { position, commits: fresh.length, events };
    });
  }

  private async loadStates(tx: EntityManager, commits: readonly ProjectableCommit[]): Promise<LoadedStates> {
    const wanted = new Map<string, { aggregate: AggregateType; id: string }>();
    for (const item of commits) {
      const target = aggregateOf(item);
      if (target) wanted.set(stateKey(target.aggregate, target.id), target);
    }
    const states: LoadedStates = new Map();
    const ids = [...new Set([...wanted.values()].map((target) => target.id))];
    for (const chunk of chunks(ids, 500)) {
      for (const row of await tx.find(AggregateState, { where: { aggregate_id: In(chunk) } })) {
        const key = stateKey(row.aggregate, row.aggregate_id);
        const behaviour = this.domain.aggregates[row.aggregate as AggregateType];
        if (!wanted.has(key) || !behaviour) continue;
        const state: unknown = JSON.parse(row.state);
        states.set(key, {
          behaviour,
          version: row.version,
          state,
          json: row.state,
          rows: viewRows(behaviour.views(state)),
          changed: false,
        });
      }
    }
    return states;
  }
}

/** The same promise, marked handled: its failure surfaces where it is awaited, not as an unhandled rejection before. */
function guarded<T>(work: Promise<T>): Promise<T> {
  work.catch(() => undefined);
  return work;
}

/**
 * Fields named like a secret (a certificate's sealed private key) are no part of any view, so
 * the stored states keep none: the read-model database holds no key, sealed or not.
 */
const SECRET_FIELD = /password|passphrase|secret|private_?key/i;
const withoutSecrets = (key: string, value: unknown): unknown => (SECRET_FIELD.test(key) ? undefined : value);

/**
 * A state's JSON without its secrets. A key keeps its letters verbatim in JSON text, so a text
 * the pattern does not match has no secret field; only such a rare state pays for the replacer,
 * which takes JSON.stringify off its fast path.
 */
function storedJson(state: unknown): string {
  const json = JSON.stringify(state ?? null);
  return SECRET_FIELD.test(json) ? JSON.stringify(state ?? null, withoutSecrets) : json;
}

/** The net change of a batch per table: the last row written wins, null deletes. */
class RowChanges {
  private readonly byCollection = new Map<Collection, Map<string, ResourceRow | null>>();

  diff(before: ViewRowsByCollection, after: ViewRowsByCollection): void {
    for (const collection of new Set([...before.keys(), ...after.keys()])) {
      const old = before.get(collection) ?? new Map<string, ViewRow>();
      const now = after.get(collection) ?? new Map<string, ViewRow>();
      const pending = this.pending(collection);
      for (const [id, { row, fingerprint }] of now) {
        if (old.get(id)?.fingerprint !== fingerprint) pending.set(id, row);
      }
      for (const id of old.keys()) if (!now.has(id)) pending.set(id, null);
    }
  }

  async write(tx: EntityManager): Promise<void> {
    for (const [collection, pending] of this.byCollection) {
      const table = RESOURCE_TABLES[collection];
      const upserts: ResourceRow[] = [];
      const deletes: string[] = [];
      for (const [id, row] of pending) {
        if (row) upserts.push(row);
        else deletes.push(id);
      }
      for (const chunk of chunks(deletes, 500)) {
        await tx
          .createQueryBuilder()
          .delete()
          .from(table.entity)
          .where({ id: In(chunk) })
          .execute();
      }
      await upsert(tx, table.entity, upserts, ['id']);
    }
  }

  private pending(collection: Collection): Map<string, ResourceRow | null> {
    let pending = this.byCollection.get(collection);
    if (!pending) this.byCollection.set(collection, (pending = new Map()));
    return pending;
  }
}

/**
 * Multi-row INSERT ... ON CONFLICT DO UPDATE, the same statement on SQLite and PostgreSQL.
 * Written out rather than through the query builder, whose parameter bookkeeping dominated
 * the cost of a rebuild; values still go through the driver's column conversions.
 */
async function upsert<T extends ObjectLiteral>(
  tx: EntityManager,
  target: EntityTarget<T>,
  rows: readonly T[],
  key: readonly string[],
): Promise<void> {
  if (rows.length === 0) return;
  const { driver } = tx.connection;
  const metadata = tx.connection.getMetadata(target);
  const columns = metadata.columns;
  const quoted = columns.map((column) => driver.escape(column.databaseName));
  const updates = columns
    .filter((column) => !key.includes(column.databaseName))
    .map((column) => `${driver.escape(column.databaseName)} = excluded.${driver.escape(column.databaseName)}`);
  const numbered = driver.options.type === 'postgres';
  for (const chunk of chunks(rows, Math.floor(MAX_PARAMETERS / columns.length))) {
    const parameters: unknown[] = [];
    const tuples = chunk.map((row) => {
      const marks = columns.map((column) => {
        parameters.push(driver.preparePersistentValue(column.getEntityValue(row), column));
        return numbered ? `$${parameters.length}` : '?';
      });
      return `(${marks.join(', ')})`;
    });
    await tx.query(
      `INSERT INTO ${driver.escape(metadata.tableName)} (${quoted.join(', ')}) VALUES ${tuples.join(', ')} ` +
        `ON CONFLICT (${key.map((column) => driver.escape(column)).join(', ')}) DO UPDATE SET ${updates.join(', ')}`,
      parameters,
    );
  }
}

async function readPosition(manager: EntityManager, projection: string, forUpdate = false): Promise<number> {
  const query = manager.createQueryBuilder(Checkpoint, 'c').where('c.projection = :projection', { projection });
  // Two projections processes on one PostgreSQL database take turns instead of interleaving.
  if (forUpdate && manager.connection.options.type === 'postgres') query.setLock('pessimistic_write');
  const row = await query.getOne();
  return row?.position ?? 0;
}

/** The aggregate a commit belongs to: from its events, else from its subject `lbaas.events.<aggregate>.<id>`. */
function aggregateOf({ subject, commit }: ProjectableCommit): { aggregate: AggregateType; id: string } | null {
  const first = commit.events[0];
  if (first) return { aggregate: first.aggregate, id: first.aggregateId };
  const parts = subject.split('.');
  return parts.length === 4 ? { aggregate: parts[2] as AggregateType, id: parts[3] } : null;
}

const stateKey = (aggregate: string, id: string) => `${aggregate}\u0000${id}`;
const splitStateKey = (key: string) => key.split('\u0000') as [string, string];

function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let start = 0; start < items.length; start += size) yield items.slice(start, start + size);
}
