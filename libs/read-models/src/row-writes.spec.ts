import type { DataSource } from 'typeorm';
import { createDataSource } from './data-source';
import { upsert } from './row-writes';
import { RESOURCE_TABLES } from './tables/resource-tables';

const table = RESOURCE_TABLES.flavors;
const flavor = (n: number, name: string) =>
  table.toRow({
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    name,
    description: `d${n}`,
    flavor_profile_id: '00000000-0000-4000-8000-000000000099',
    enabled: n % 2 === 0,
  });

let db: DataSource;
beforeEach(async () => (db = await createDataSource({ sqlitePath: ':memory:' }).initialize()));
afterEach(() => db.destroy());

const stored = async () =>
  (await db.getRepository(table.entity).find({ order: { id: 'ASC' } }))
    .map((row) => table.toResource(row))
    .map(({ name, enabled }) => ({ name, enabled }));

describe('upsert on SQLite', () => {
  it('stores every value as a row at a time would, U+0000 and other control characters included, and updates on the key', async () => {
    const names = ['plain', 'nul\u0000inside', '\u0000', 'tab\there', 'quote\'"', 'ünïcødé ✓'];
    await db.transaction((tx) =>
      upsert(
        tx,
        table.entity,
        names.map((name, i) => flavor(i, name)),
        ['id'],
      ),
    );
    expect(await stored()).toEqual(names.map((name, i) => ({ name, enabled: i % 2 === 0 })));
    await db.transaction((tx) => upsert(tx, table.entity, [flavor(1, 'renamed'), flavor(2, 'again\u0000')], ['id']));
    expect((await stored()).map((r) => r.name)).toEqual(['plain', 'renamed', 'again\u0000', 'tab\there', 'quote\'"', 'ünïcødé ✓']);
  });

  it('stores long texts bound value by value in whole chunks, the rest as JSON, the same as without', async () => {
    const names = Array.from({ length: 450 }, (_, i) => (i % 7 === 0 ? `nul\u0000${i}` : `{"state":"${'x'.repeat(i)}","n":${i}}`));
    await db.transaction((tx) =>
      upsert(
        tx,
        table.entity,
        names.map((name, i) => flavor(i, name)),
        ['id'],
        { longTexts: true },
      ),
    );
    expect(await stored()).toEqual(names.map((name, i) => ({ name, enabled: i % 2 === 0 })));
    const renamed = names.map((name, i) => (i % 3 === 0 ? `${name}!` : name));
    await db.transaction((tx) =>
      upsert(
        tx,
        table.entity,
        renamed.map((name, i) => flavor(i, name)),
        ['id'],
        { longTexts: true },
      ),
    );
    expect((await stored()).map((r) => r.name)).toEqual(renamed);
  });
});
