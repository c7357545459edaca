import type { DataSource } from 'typeorm';

/** Every read-model table's rows, sorted by primary key: equal snapshots mean equal databases. */
export type TableSnapshot = Record<string, Record<string, unknown>[]>;

export async function snapshotTables(db: DataSource): Promise<TableSnapshot> {
  const snapshot: TableSnapshot = {};
  const tables = [...db.entityMetadatas].sort((a, b) => a.tableName.localeCompare(b.tableName));
  for (const metadata of tables) {
    const rows = (await db.getRepository(metadata.target).find()) as Record<string, unknown>[];
    const key = (row: Record<string, unknown>) => JSON.stringify(metadata.primaryColumns.map((column) => column.getEntityValue(row)));
    snapshot[metadata.tableName] = rows.map((row) => ({ ...row })).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  }
  return snapshot;
}
