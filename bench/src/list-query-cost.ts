import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { MemberResource } from '@lbaas/domain';
import { createDataSource, type ListQuery, QueryService, RESOURCE_TABLES } from '@lbaas/read-models';
import type { DataSource } from 'typeorm';
import { type BenchRow, percentile } from './report';

const PAGE = 100;
const READS = 100;
/** Reads before the timed ones, so the first size does not pay for the JIT and the statement caches. */
const WARM_UP = 10;
const INSERT_BATCH = 500;
/** Two tenants own the members in turn, as in the scale bench: a tenant's list is half the table. */
const TENANTS = ['lbb-tenant-a', 'lbb-tenant-b'];

/** Median milliseconds of one page at one table size, for each way a client asks for it. */
export interface ListCostAtSize {
  readonly rows: number;
  readonly firstPage: number;
  readonly lastPage: number;
  readonly lastPageReversed: number;
  readonly sortedFirstPage: number;
  /** The same page's rows read raw by a primary-key range, without TypeORM or the tenant. */
  readonly floor: number;
}

export interface ListCost {
  readonly asBuilt: readonly ListCostAtSize[];
  /** The same tables with the tenant indexed alone, as the read models were before the keyset index. */
  readonly tenantIndexAlone: readonly ListCostAtSize[];
}

export const listCostSizes = (env: NodeJS.ProcessEnv = process.env): number[] =>
  (env.LBAAS_LIST_PAGING_SIZES ?? '1000,10000,100000')
    .split(',')
    .map((size) => Number(size.trim()))
    .filter((size) => Number.isInteger(size) && size >= 2 * (PAGE + 1));

const member = (i: number): MemberResource => ({
  id: randomUUID(),
  tenant_id: TENANTS[i % TENANTS.length],
  pool_id: randomUUID(),
  address: `198.18.${(i >> 8) & 255}.${i & 255}`,
  protocol_port: 80,
  weight: 1,
  admin_state_up: true,
  status: 'ACTIVE',
  status_description: null,
});

async function fill(db: DataSource, rows: number): Promise<void> {
  const table = RESOURCE_TABLES.members;
  await db.transaction(async (tx) => {
    for (let from = 0; from < rows; from += INSERT_BATCH) {
      const batch = Array.from({ length: Math.min(INSERT_BATCH, rows - from) }, (_, k) => table.toRow(member(from + k)));
      await tx.getRepository(table.entity).insert(batch);
    }
  });
}

async function median(run: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < WARM_UP; i++) await run();
  const ms: number[] = [];
  for (let i = 0; i < READS; i++) {
    const started = performance.now();
    await run();
    ms.push(performance.now() - started);
  }
  return percentile(
    ms.sort((a, b) => a - b),
    50,
  );
}

async function measure(db: DataSource, rows: number): Promise<ListCostAtSize> {
  const queries = new QueryService(db);
  const tenant = TENANTS[0];
  const ids = ((await db.query('SELECT id FROM members WHERE tenant_id = ? ORDER BY id', [tenant])) as { id: string }[]).map((r) => r.id);
  const marker = ids[ids.length - PAGE - 1];
  const base: ListQuery = { collection: 'members', tenantId: tenant, filters: {}, fields: [], minSeq: 0 };
  const page = async (query: Partial<ListQuery>): Promise<void> => {
    const reply = await queries.list({ ...base, ...query });
    if ('error' in reply || reply.items.length !== PAGE)
      throw new Error(`list-paging: a page of ${PAGE} answered ${JSON.stringify(reply).slice(0, 200)}`);
  };
  return {
    rows,
    firstPage: await median(() => page({ page: { limit: PAGE, marker: null, pageReverse: false } })),
    lastPage: await median(() => page({ page: { limit: PAGE, marker, pageReverse: false } })),
    lastPageReversed: await median(() => page({ page: { limit: PAGE, marker: null, pageReverse: true } })),
    sortedFirstPage: await median(() =>
      page({ sort: [{ key: 'address', dir: 'desc' }], page: { limit: PAGE, marker: null, pageReverse: false } }),
    ),
    floor: await median(() => db.query('SELECT * FROM members WHERE id > ? ORDER BY id LIMIT ?', [marker, PAGE + 1])),
  };
}

/**
 * `QueryService.list` in process over a SQLite file of `rows` members, without HTTP or NATS:
 * what a page costs the projections service as the table grows, as built and with the tenant
 * indexed alone (the tenant's rows read and sorted before the page is taken).
 */
export async function listQueryCost(sizes: readonly number[], signal: AbortSignal): Promise<ListCost> {
  const dir = mkdtempSync(join(tmpdir(), 'lbb-list-'));
  const asBuilt: ListCostAtSize[] = [];
  const tenantIndexAlone: ListCostAtSize[] = [];
  try {
    for (const rows of sizes) {
      if (signal.aborted) throw signal.reason;
      const db = await createDataSource({ sqlitePath: join(dir, `members-${rows}.sqlite`) }).initialize();
      try {
        // No ANALYZE: the services never run it, so the planner chooses as it does for them.
        await fill(db, rows);
        asBuilt.push(await measure(db, rows));
        // Before the keyset index the table had only the one on tenant_id alone, which it still has.
        await db.query('DROP INDEX idx_members_tenant_id_id');
        tenantIndexAlone.push(await measure(db, rows));
      } finally {
        await db.destroy();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { asBuilt, tenantIndexAlone };
}

/** Each size's pages against the raw floor, and each page's growth against the smallest size's. */
export function listCostRows({ asBuilt, tenantIndexAlone }: ListCost): BenchRow[] {
  const rows: BenchRow[] = [];
  const pages = [
    ['first page', 'firstPage'],
    ['last page (marker)', 'lastPage'],
    ['last page (page_reverse)', 'lastPageReversed'],
    ['first page sorted by address', 'sortedFirstPage'],
  ] as const;
  for (const [label, series] of [
    ['', asBuilt],
    [', tenant index alone (before)', tenantIndexAlone],
  ] as const) {
    const smallest = series[0];
    for (const at of series) {
      for (const [name, key] of pages) {
        rows.push({
          metric: `query ${name} at ${at.rows} rows${label}`,
          value: at[key],
          unit: 'ms',
          floor: { metric: 'raw primary-key range of the page', value: at.floor },
        });
        if (at !== smallest) {
          rows.push({
            metric: `query ${name} at ${at.rows} vs ${smallest.rows} rows${label}`,
            value: at[key],
            unit: 'ms',
            floor: { metric: `the same at ${smallest.rows} rows`, value: smallest[key] },
          });
        }
      }
    }
  }
  return rows;
}
