import type { Collection } from '@lbaas/domain';
import { type EntityManager, type EntityTarget, In, type ObjectLiteral } from 'typeorm';
import { executeKept, keptStatementsOf } from './kept-statements';
import { RESOURCE_TABLES, type ResourceRow } from './tables/resource-tables';

/** A row a view shows, with its canonical JSON to tell a changed row from an unchanged one. */
export class ViewRow {
  private json: string | undefined;

  constructor(readonly row: ResourceRow) {}

  /** Made when first compared: a row without a predecessor (most of a rebuild's) never is. */
  get fingerprint(): string {
    return (this.json ??= JSON.stringify(this.row));
  }
}
export type ViewRowsByCollection = Map<Collection, Map<string, ViewRow>>;

/** The net change of a batch per table: the last row written wins, null deletes. */
export class RowChanges {
  private readonly byCollection = new Map<Collection, Map<string, ResourceRow | null>>();

  diff(before: ViewRowsByCollection, after: ViewRowsByCollection): void {
    for (const collection of new Set([...before.keys(), ...after.keys()])) {
      const old = before.get(collection) ?? new Map<string, ViewRow>();
      const now = after.get(collection) ?? new Map<string, ViewRow>();
      const pending = this.pending(collection);
      for (const [id, viewRow] of now) {
        const previous = old.get(id);
        if (!previous || previous.fingerprint !== viewRow.fingerprint) pending.set(id, viewRow.row);
      }
      for (const id of old.keys()) if (!now.has(id)) pending.set(id, null);
    }
  }

  /**
   * Deletes and upserts the pending rows, table after table; `together` queues every table's
   * statements at once (SQLite's one connection runs them in turn on its own thread; no two touch
   * the same row).
   */
  async write(tx: EntityManager, together = false): Promise<void> {
    if (!together) {
      for (const [collection, pending] of this.byCollection) await writeTable(tx, collection, pending);
      return;
    }
    const writes = [...this.byCollection].map(([collection, pending]) => writeTable(tx, collection, pending));
    await Promise.allSettled(writes);
    await Promise.all(writes);
  }

  private pending(collection: Collection): Map<string, ResourceRow | null> {
    let pending = this.byCollection.get(collection);
    if (!pending) this.byCollection.set(collection, (pending = new Map()));
    return pending;
  }
}

async function writeTable(tx: EntityManager, collection: Collection, pending: Map<string, ResourceRow | null>): Promise<void> {
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

/** Rows per statement: each statement's rows travel as one JSON text. */
const ROWS_PER_STATEMENT = 5000;

/** Rows per statement whose values are bound one by one (4 columns: 800 parameters). */
const ROWS_PER_BOUND_STATEMENT = 200;

export interface UpsertOptions {
  /**
   * The rows hold long texts (a folded state's JSON): on SQLite their values are bound one by one,
   * since escaping such texts into one JSON text, and SQLite's unescaping them, cost twice as much.
   */
  readonly longTexts?: boolean;
}

/**
 * INSERT ... ON CONFLICT DO UPDATE of many rows whose values travel as one JSON parameter, which
 * the database unpacks (SQLite's json_each, PostgreSQL's json_populate_recordset): binding each
 * value as a parameter of its own cost more than everything else a rebuild does. The values still
 * go through the driver's column conversions first, so they are stored as a row at a time would be.
 */
export async function upsert<T extends ObjectLiteral>(
  tx: EntityManager,
  target: EntityTarget<T>,
  rows: readonly T[],
  key: readonly string[],
  { longTexts = false }: UpsertOptions = {},
): Promise<void> {
  if (rows.length === 0) return;
  const { driver } = tx.connection;
  const metadata = tx.connection.getMetadata(target);
  const columns = metadata.columns;
  const table = driver.escape(metadata.tableName);
  const quoted = columns.map((column) => driver.escape(column.databaseName));
  const onConflict =
    `ON CONFLICT (${key.map((column) => driver.escape(column)).join(', ')}) DO UPDATE SET ` +
    columns
      .filter((column) => !key.includes(column.databaseName))
      .map((column) => `${driver.escape(column.databaseName)} = excluded.${driver.escape(column.databaseName)}`)
      .join(', ');
  const stored = (row: T) => columns.map((column) => driver.preparePersistentValue(column.getEntityValue(row), column) as unknown);
  let unbound = rows;
  if (longTexts && keptStatementsOf(tx) !== null) {
    // Only whole chunks are bound, so that one statement text serves every chunk; the rest goes as JSON.
    const whole = rows.length - (rows.length % ROWS_PER_BOUND_STATEMENT);
    const values = `(${quoted.map(() => '?').join(', ')})`;
    const text = `INSERT INTO ${table} (${quoted.join(', ')}) VALUES ${Array.from({ length: ROWS_PER_BOUND_STATEMENT }, () => values).join(', ')} ${onConflict}`;
    // Queued together: sqlite3 runs one statement's runs in order, and no two rows here share a key.
    const runs = [...chunks(rows.slice(0, whole), ROWS_PER_BOUND_STATEMENT)].map((chunk) => executeKept(tx, text, chunk.flatMap(stored)));
    await Promise.allSettled(runs);
    await Promise.all(runs);
    unbound = rows.slice(whole);
  }
  for (const chunk of chunks(unbound, ROWS_PER_STATEMENT)) {
    if (driver.options.type === 'postgres') {
      const objects = chunk.map((row) => {
        const values = stored(row);
        return Object.fromEntries(columns.map((column, i) => [column.databaseName, values[i]]));
      });
      await tx.query(
        `INSERT INTO ${table} (${quoted.join(', ')}) SELECT ${quoted.join(', ')} FROM json_populate_recordset(NULL::${table}, $1::json) ${onConflict}`,
        [JSON.stringify(objects)],
      );
    } else {
      const values = chunk.map(stored);
      // SQLite's JSON functions end a text at U+0000, which a name may hold: such rows are bound
      // value by value. JSON writes U+0000 as \u0000, so one look at the text tells whether any row does.
      let json = JSON.stringify(values);
      let withNul: unknown[][] = [];
      if (json.includes('\\u0000')) {
        withNul = values.filter((row) => row.some(holdsNul));
        json = JSON.stringify(values.filter((row) => !row.some(holdsNul)));
      }
      // WHERE true: without it SQLite would read ON CONFLICT as part of the SELECT's join.
      const extracts = columns.map((_, i) => `json_extract(value, '$[${i}]')`);
      if (withNul.length < values.length)
        await executeKept(
          tx,
          `INSERT INTO ${table} (${quoted.join(', ')}) SELECT ${extracts.join(', ')} FROM json_each(?) WHERE true ${onConflict}`,
          [json],
        );
      for (const row of withNul)
        await tx.query(`INSERT INTO ${table} (${quoted.join(', ')}) VALUES (${quoted.map(() => '?').join(', ')}) ${onConflict}`, row);
    }
  }
}

const holdsNul = (value: unknown): boolean => typeof value === 'string' && value.includes('\u0000');

export function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let start = 0; start < items.length; start += size) yield items.slice(start, start + size);
}
