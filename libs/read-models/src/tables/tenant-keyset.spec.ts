import type { DataSource } from 'typeorm';
import { createDataSource } from '../data-source';
import { RESOURCE_TABLES } from './resource-tables';

/** The collections a tenant lists by `WHERE tenant_id = ?` (query-service.ts `visible`). */
const TENANT_SCOPED = Object.values(RESOURCE_TABLES)
  .filter((table) => table.fields.has('tenant_id') && !['networks', 'subnets', 'amphorae'].includes(table.collection))
  .map((table) => table.collection);

let db: DataSource;

beforeAll(async () => {
  db = await createDataSource({ sqlitePath: ':memory:' }).initialize();
});
afterAll(() => db.destroy());

const plan = async (sql: string, parameters: string[]): Promise<string[]> =>
  ((await db.query(`EXPLAIN QUERY PLAN ${sql}`, parameters)) as { detail: string }[]).map((row) => row.detail);

describe('a tenant page reads its rows in order from the marker', () => {
  it.each(TENANT_SCOPED)('%s after a marker, forward and reverse, by (tenant_id, id) without a sort', async (collection) => {
    for (const [compare, dir] of [
      ['>', 'ASC'],
      ['<', 'DESC'],
    ]) {
      const steps = await plan(`SELECT * FROM ${collection} r WHERE r.tenant_id = ? AND r.id ${compare} ? ORDER BY r.id ${dir} LIMIT 101`, [
        'tenant',
        'marker',
      ]);
      expect(steps).toEqual([`SEARCH r USING INDEX idx_${collection}_tenant_id_id (tenant_id=? AND id${compare}?)`]);
    }
  });

  it.each(TENANT_SCOPED)('%s first page by (tenant_id, id) without a sort', async (collection) => {
    const steps = await plan(`SELECT * FROM ${collection} r WHERE r.tenant_id = ? ORDER BY r.id LIMIT 101`, ['tenant']);
    expect(steps).toEqual([`SEARCH r USING INDEX idx_${collection}_tenant_id_id (tenant_id=?)`]);
  });

  it.each(TENANT_SCOPED.filter((collection) => RESOURCE_TABLES[collection].fields.get('tenant_id')?.indexed))(
    '%s sorted by another key reads the tenant in table order, by tenant_id alone',
    async (collection) => {
      const other = [...RESOURCE_TABLES[collection].fields.values()].find(
        (spec) => spec.type !== 'json' && spec.column !== 'id' && spec.column !== 'tenant_id',
      )?.column;
      const steps = await plan(`SELECT * FROM ${collection} r WHERE r.tenant_id = ? ORDER BY r.${other} DESC, r.id DESC LIMIT 101`, [
        'tenant',
      ]);
      expect(steps).toEqual([`SEARCH r USING INDEX idx_${collection}_tenant_id (tenant_id=?)`, 'USE TEMP B-TREE FOR ORDER BY']);
    },
  );

  it('covers the collections a tenant owns directly, v1 and v2', () => {
    expect(TENANT_SCOPED).toEqual(expect.arrayContaining(['members', 'pools', 'vips', 'loadbalancers', 'octavia_members']));
  });
});
