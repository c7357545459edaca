import type { ListQuery, QueryError } from '../src/query-contract';
import type { QueryService } from '../src/query-service';
import { OTHER_TENANT, TENANT } from './fake-domain';
import { AMPHORA, id, LB, LISTENER, MEMBER, MONITOR, POOL } from './octavia-fixtures';

/** The v2 list queries on octavia-fixtures' world, for SQLite and PostgreSQL alike. */
const NO_TAGS = { all: [], any: [], notAll: [], notAny: [] };

export interface ExpectedError {
  readonly status: number;
  readonly type: string;
  readonly message?: RegExp;
}

/** One list query on the world above and the ids it answers, in order, or the error it gets. */
export interface OctaviaListCase {
  readonly desc: string;
  readonly query: Pick<ListQuery, 'collection'> & Partial<ListQuery>;
  readonly expected: readonly string[] | ExpectedError;
}

export const isIdList = (expected: OctaviaListCase['expected']): expected is readonly string[] => Array.isArray(expected);

export const OCTAVIA_LIST_CASES: readonly OctaviaListCase[] = [
  { desc: 'tags: has all', query: { collection: 'loadbalancers', tags: { ...NO_TAGS, all: ['web', 'prod'] } }, expected: [LB.web] },
  {
    desc: 'tags: a tag asked twice',
    query: { collection: 'loadbalancers', tags: { ...NO_TAGS, all: ['web', 'web'] } },
    expected: [LB.web, LB.shop],
  },
  { desc: 'tags-any', query: { collection: 'loadbalancers', tags: { ...NO_TAGS, any: ['prod', 'absent'] } }, expected: [LB.web] },
  { desc: 'not-tags', query: { collection: 'loadbalancers', tags: { ...NO_TAGS, notAll: ['web', 'prod'] } }, expected: [LB.shop, LB.bare] },
  { desc: 'not-tags-any', query: { collection: 'loadbalancers', tags: { ...NO_TAGS, notAny: ['web'] } }, expected: [LB.bare] },
  {
    desc: 'tags and not-tags-any together',
    query: { collection: 'loadbalancers', tags: { ...NO_TAGS, all: ['web'], notAny: ['prod'] } },
    expected: [LB.shop],
  },
  {
    desc: 'tags for the admin, every project',
    query: { collection: 'loadbalancers', tenantId: null, tags: { ...NO_TAGS, all: ['prod'] } },
    expected: [LB.web, LB.theirs],
  },
  {
    desc: 'tags with a filter',
    query: { collection: 'loadbalancers', filters: { name: ['lb-12'] }, tags: { ...NO_TAGS, any: ['web'] } },
    expected: [LB.shop],
  },
  { desc: 'tags on listeners', query: { collection: 'listeners', tags: { ...NO_TAGS, any: ['public'] } }, expected: [LISTENER.http] },
  {
    desc: 'tags on amphorae, which have none: ignored',
    query: { collection: 'amphorae', tags: { ...NO_TAGS, all: ['x'] } },
    expected: [AMPHORA.master, AMPHORA.backup],
  },
  { desc: 'a boolean', query: { collection: 'listeners', filters: { admin_state_up: ['False'] } }, expected: [LISTENER.tcp] },
  { desc: 'a boolean as 1', query: { collection: 'octavia_members', filters: { backup: ['1'] } }, expected: [MEMBER.backup] },
  { desc: 'an integer', query: { collection: 'listeners', filters: { protocol_port: ['8080'] } }, expected: [LISTENER.tcp] },
  {
    desc: 'an integer, two values',
    query: { collection: 'octavia_members', filters: { weight: ['1', '5'] } },
    expected: [MEMBER.plain, MEMBER.backup],
  },
  { desc: 'a nullable id', query: { collection: 'listeners', filters: { default_pool_id: [POOL.web] } }, expected: [LISTENER.http] },
  {
    desc: 'a nullable id, empty: null',
    query: { collection: 'listeners', filters: { default_pool_id: [''] } },
    expected: [LISTENER.tcp, LISTENER.shop],
  },
  {
    desc: 'a nullable id, null or a value',
    query: { collection: 'listeners', filters: { default_pool_id: ['', POOL.web] } },
    expected: [LISTENER.http, LISTENER.tcp, LISTENER.shop],
  },
  {
    desc: 'a nullable integer, empty: null',
    query: { collection: 'octavia_members', filters: { monitor_port: [''] } },
    expected: [MEMBER.plain],
  },
  { desc: 'a nullable integer', query: { collection: 'octavia_members', filters: { monitor_port: ['9000'] } }, expected: [MEMBER.backup] },
  {
    desc: 'listeners by their load balancer',
    query: { collection: 'listeners', filters: { loadbalancer_id: [LB.web] } },
    expected: [LISTENER.http, LISTENER.tcp],
  },
  {
    desc: 'pools by their load balancer',
    query: { collection: 'octavia_pools', filters: { loadbalancer_id: [LB.shop] } },
    expected: [POOL.shop],
  },
  {
    desc: 'monitors by their pool',
    query: { collection: 'octavia_healthmonitors', filters: { pool_id: [POOL.web] } },
    expected: [MONITOR],
  },
  { desc: 'monitors by another pool', query: { collection: 'octavia_healthmonitors', filters: { pool_id: [POOL.shop] } }, expected: [] },
  {
    desc: 'members by their pool',
    query: { collection: 'octavia_members', filters: { pool_id: [POOL.web] } },
    expected: [MEMBER.plain, MEMBER.backup],
  },
  {
    desc: 'amphorae of a project (admin)',
    query: { collection: 'amphorae', tenantId: null, filters: { project_id: [OTHER_TENANT] } },
    expected: [AMPHORA.theirs],
  },
  {
    desc: 'amphorae by role and cert_busy',
    query: { collection: 'amphorae', tenantId: null, filters: { role: ['MASTER'], cert_busy: ['false'] } },
    expected: [AMPHORA.master, AMPHORA.theirs],
  },
  {
    desc: "amphorae of the project's own load balancers",
    query: { collection: 'amphorae', tenantId: OTHER_TENANT },
    expected: [AMPHORA.theirs],
  },
  { desc: 'another project, scoped', query: { collection: 'listeners', tenantId: OTHER_TENANT }, expected: [] },
  {
    desc: 'sorted by a nullable key',
    query: { collection: 'listeners', sort: [{ key: 'default_pool_id', dir: 'desc' }] },
    expected: [LISTENER.http, LISTENER.tcp, LISTENER.shop],
  },
  {
    desc: 'sorted by updated_at, nulls as empty',
    query: { collection: 'listeners', sort: [{ key: 'updated_at', dir: 'asc' }] },
    expected: [LISTENER.tcp, LISTENER.shop, LISTENER.http],
  },
  {
    desc: 'sorted by a boolean, then id down',
    query: {
      collection: 'listeners',
      sort: [
        { key: 'admin_state_up', dir: 'asc' },
        { key: 'id', dir: 'desc' },
      ],
    },
    expected: [LISTENER.tcp, LISTENER.shop, LISTENER.http],
  },
  {
    desc: 'an integer that is not',
    query: { collection: 'listeners', filters: { protocol_port: ['eighty'] } },
    expected: { status: 400, type: 'InvalidInput' },
  },
  {
    desc: 'a boolean that is not',
    query: { collection: 'octavia_members', filters: { backup: ['maybe'] } },
    expected: { status: 400, type: 'InvalidInput' },
  },
  {
    desc: 'a list field',
    query: { collection: 'listeners', filters: { loadbalancers: [LB.web] } },
    expected: { status: 400, type: 'InvalidFilterArgument', message: /'loadbalancers' is a list or an object/ },
  },
  {
    desc: 'an object field',
    query: { collection: 'listeners', filters: { insert_headers: ['X-Forwarded-For'] } },
    expected: { status: 400, type: 'InvalidFilterArgument' },
  },
  {
    desc: 'tags as a plain filter',
    query: { collection: 'loadbalancers', filters: { tags: ['web'] } },
    expected: { status: 400, type: 'InvalidFilterArgument', message: /tags-any/ },
  },
  {
    desc: 'an unknown field',
    query: { collection: 'loadbalancers', filters: { colour: ['blue'] } },
    expected: { status: 400, type: 'InvalidFilterArgument', message: /'colour' is not a field of loadbalancers/ },
  },
  {
    // Octavia's rules have no name: a client that looks a rule up by name is told so, not given every rule.
    desc: 'a name filter on L7 rules',
    query: { collection: 'l7rules', filters: { name: ['web'] } },
    expected: { status: 400, type: 'InvalidFilterArgument', message: /'name' is not a field of l7rules/ },
  },
  {
    desc: 'an unknown field of L7 policies',
    query: { collection: 'l7policies', filters: { colour: ['blue'] } },
    expected: { status: 400, type: 'InvalidFilterArgument', message: /'colour' is not a field of l7policies/ },
  },
  { desc: 'L7 rules by id', query: { collection: 'l7rules', filters: { id: [id('a1')] } }, expected: [] },
  {
    desc: 'loadbalancer_id where it is no filter',
    query: { collection: 'octavia_members', filters: { loadbalancer_id: [LB.web] } },
    expected: { status: 400, type: 'InvalidFilterArgument' },
  },
  {
    desc: 'a sort on a list',
    query: { collection: 'loadbalancers', sort: [{ key: 'tags', dir: 'asc' }] },
    expected: { status: 400, type: 'InvalidSortKey', message: /^Supplied sort key 'tags' is not valid\.$/ },
  },
  {
    desc: 'a missing marker',
    query: { collection: 'loadbalancers', page: { limit: 1, marker: id('99'), pageReverse: false } },
    expected: { status: 400, type: 'InvalidMarker' },
  },
];

/** Every sort of these walked page by page, one row a page, forwards and backwards, must give the unpaged order. */
export const OCTAVIA_PAGED_SORTS: readonly (Pick<ListQuery, 'collection'> & Partial<ListQuery>)[] = [
  { collection: 'listeners', sort: [{ key: 'default_pool_id', dir: 'asc' }] },
  { collection: 'listeners', sort: [{ key: 'updated_at', dir: 'desc' }] },
  {
    collection: 'listeners',
    sort: [
      { key: 'protocol_port', dir: 'desc' },
      { key: 'admin_state_up', dir: 'asc' },
    ],
  },
  { collection: 'octavia_members', sort: [{ key: 'monitor_port', dir: 'asc' }] },
  { collection: 'amphorae', tenantId: null, sort: [{ key: 'updated_at', dir: 'asc' }] },
  { collection: 'loadbalancers', tenantId: null, sort: [{ key: 'flavor_id', dir: 'asc' }] },
];

const fullQuery = (query: Pick<ListQuery, 'collection'> & Partial<ListQuery>): ListQuery => ({
  tenantId: TENANT,
  filters: {},
  fields: ['id'],
  minSeq: 0,
  ...query,
});

/** What a case's query answers, in the shape of its `expected`. */
export async function answerOf(queries: QueryService, query: OctaviaListCase['query']): Promise<string[] | QueryError['error']> {
  const reply = await queries.list(fullQuery(query));
  return 'error' in reply ? reply.error : reply.items.map((item) => String(item.id));
}

/** The ids of a sorted list read one row a page, forwards or (page_reverse from the end) backwards, in list order. */
export async function walk(queries: QueryService, query: OctaviaListCase['query'], reverse: boolean): Promise<string[]> {
  const seen: string[] = [];
  let marker: string | null = null;
  for (let pages = 0; pages < 20; pages++) {
    const reply = await queries.list(fullQuery({ ...query, page: { limit: 1, marker, pageReverse: reverse } }));
    if ('error' in reply) throw new Error(JSON.stringify(reply.error));
    const page = reply.items.map((item) => String(item.id));
    if (reverse) seen.unshift(...page);
    else seen.push(...page);
    if (!reply.more || page.length === 0) return seen;
    marker = page[reverse ? 0 : page.length - 1];
  }
  throw new Error('more than 20 pages');
}
