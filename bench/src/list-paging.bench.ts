import { performance } from 'node:perf_hooks';
import { type Stack, startStack } from '@lbaas/testing';
import { listCostRows, listCostSizes, listQueryCost } from './list-query-cost';
import { type BenchRow, percentile, report } from './report';

const POOLS = 100;
const MEMBERS_PER_POOL = 100;
const TOTAL = POOLS * MEMBERS_PER_POOL;
const PAGE = 100;
const WORKERS = 16;
const BUDGET_MS = 5 * 60_000;

interface Page {
  members: { id: string; address: string }[];
  members_links?: { rel: string; href: string }[];
}

/**
 * What a page costs the read side as the table grows (in process, `LBAAS_LIST_PAGING_SIZES`),
 * then Neutron pagination over HTTP across 10,000 members: every page once, and late pages as
 * fast as early ones.
 */
async function run(signal: AbortSignal): Promise<void> {
  const sizes = listCostSizes();
  const cost = await listQueryCost(sizes, signal);
  const stack: Stack = await startStack();
  const deadline = Date.now() + BUDGET_MS;
  const call = async <T>(method: string, path: string, body?: object): Promise<{ ms: number; body: T }> => {
    if (signal.aborted || Date.now() > deadline) throw new Error('list-paging: out of time or interrupted');
    const sent = performance.now();
    const res = await fetch(`${stack.apiUrl}${path}`, {
      method,
      headers: { 'X-Auth-Token': stack.tokens.demo.token, 'Content-Type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(60_000),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path} -> ${res.status} ${text.slice(0, 200)}`);
    return { ms: performance.now() - sent, body: JSON.parse(text) as T };
  };
  try {
    const net = await call<{ network: { id: string } }>('POST', '/v2.0/networks', { network: { name: 'bench' } });
    const subnet = await call<{ subnet: { id: string } }>('POST', '/v2.0/subnets', {
      subnet: { network_id: net.body.network.id, cidr: '198.18.0.0/16' },
    });
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let p = next++; p < POOLS; p = next++) {
        const pool = await call<{ pool: { id: string } }>('POST', '/v2.0/lb/pools', {
          pool: { subnet_id: subnet.body.subnet.id, protocol: 'HTTP', lb_method: 'ROUND_ROBIN' },
        });
        for (let m = 0; m < MEMBERS_PER_POOL; m++) {
          await call('POST', '/v2.0/lb/members', {
            member: { pool_id: pool.body.pool.id, address: `198.18.${p + 1}.${m + 1}`, protocol_port: 80 },
          });
        }
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, worker));

    // The live projection trails the writes; reads answer 503 until it has caught up with them.
    let whole: { ms: number; body: Page } | undefined;
    while (!whole) {
      whole = await call<Page>('GET', '/v2.0/lb/members').catch(async (error: unknown) => {
        if (!String(error).includes('-> 503')) throw error;
        await new Promise((r) => setTimeout(r, 1000));
        return undefined;
      });
    }
    if (whole.body.members.length !== TOTAL) throw new Error(`expected ${TOTAL} members, listed ${whole.body.members.length}`);

    const walk = async (first: string): Promise<{ pageMs: number[]; ids: string[] }> => {
      const pageMs: number[] = [];
      const ids: string[] = [];
      let path: string | undefined = first;
      while (path && pageMs.length <= TOTAL / PAGE + 1) {
        const page: { ms: number; body: Page } = await call<Page>('GET', path);
        pageMs.push(page.ms);
        ids.push(...page.body.members.map((m) => m.id));
        path = page.body.members_links?.find((l) => l.rel === 'next')?.href;
      }
      return { pageMs, ids };
    };
    const byId = await walk(`/v2.0/lb/members?limit=${PAGE}`);
    const byAddress = await walk(`/v2.0/lb/members?limit=${PAGE}&sort_key=address&sort_dir=desc`);
    for (const [name, w] of [
      ['by id', byId],
      ['by address desc', byAddress],
    ] as const) {
      if (w.ids.length !== TOTAL || new Set(w.ids).size !== TOTAL)
        throw new Error(`paging ${name} saw ${w.ids.length} items, ${new Set(w.ids).size} distinct`);
    }
    const sorted = [...byId.pageMs].sort((a, b) => a - b);
    const perItemWhole = whole.ms / TOTAL;
    const pagedItemsPerSecond = TOTAL / (byId.pageMs.reduce((a, b) => a + b, 0) / 1000);
    const firstPages = byId.pageMs.slice(0, 10);
    const lastPages = byId.pageMs.slice(-10);
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    const rows: BenchRow[] = [
      { metric: 'floor: one unpaged list of all members', value: whole.ms, unit: 'ms' },
      { metric: 'floor: unpaged list, items/s', value: TOTAL / (whole.ms / 1000), unit: 'items/s' },
      {
        metric: `page of ${PAGE} latency p50`,
        value: percentile(sorted, 50),
        unit: 'ms',
        floor: { metric: `unpaged ms per ${PAGE} items`, value: perItemWhole * PAGE },
      },
      {
        metric: `page of ${PAGE} latency p99`,
        value: percentile(sorted, 99),
        unit: 'ms',
        floor: { metric: `unpaged ms per ${PAGE} items`, value: perItemWhole * PAGE },
      },
      {
        metric: 'paged walk, items/s',
        value: pagedItemsPerSecond,
        unit: 'items/s',
        floor: { metric: 'unpaged items/s', value: TOTAL / (whole.ms / 1000) },
      },
      {
        metric: 'last 10 pages mean latency',
        value: mean(lastPages),
        unit: 'ms',
        floor: { metric: 'first 10 pages mean', value: mean(firstPages) },
      },
      { metric: 'pages walked (by id, by address desc)', value: byId.pageMs.length + byAddress.pageMs.length, unit: 'pages' },
      ...listCostRows(cost),
    ];
    report('list-paging', rows, { members: TOTAL, pageSize: PAGE, correct: true, querySizes: sizes, queryCost: cost });
  } finally {
    await stack.stop();
  }
}

export const listPaging = { name: 'list-paging', run };
