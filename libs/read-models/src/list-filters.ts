import type { Collection } from '@lbaas/domain';
import type { ListQuery, QueryError, TagFilters } from './query-contract';
import { type FieldSpec, RESOURCE_TABLES } from './tables/resource-tables';

/** The SQL the read models run on; the JSON functions differ between the two. */
export type SqlDialect = 'sqlite' | 'postgres';

/** One condition on the row aliased `r`, with its named parameters. */
export interface Condition {
  readonly sql: string;
  readonly parameters: Readonly<Record<string, unknown>>;
}

/** The collections of the v2 (Octavia) API, which filter as Octavia does. */
export const OCTAVIA_COLLECTIONS: ReadonlySet<Collection> = new Set<Collection>([
  'loadbalancers',
  'listeners',
  'octavia_pools',
  'octavia_members',
  'octavia_healthmonitors',
  'l7policies',
  'l7rules',
  'amphorae',
]);

export const queryError = (status: number, type: string, message: string): QueryError => ({ error: { type, message, status } });

const invalidFilter = (detail: string): QueryError =>
  queryError(400, 'InvalidFilterArgument', `One or more arguments are either duplicate or invalid: ${detail}`);

/** A set of rows selected by a subquery over another table, for the filters Octavia takes beside the columns. */
type DerivedFilter = { readonly kind: 'id-in-list'; readonly column: string } | { readonly kind: 'loadbalancer-project' };

/** Octavia's data models carry these ids; the resources carry them as lists of `{id}`. */
const DERIVED_FILTERS: Partial<Record<Collection, Readonly<Record<string, DerivedFilter>>>> = {
  listeners: { loadbalancer_id: { kind: 'id-in-list', column: 'loadbalancers' } },
  octavia_pools: { loadbalancer_id: { kind: 'id-in-list', column: 'loadbalancers' } },
  octavia_healthmonitors: { pool_id: { kind: 'id-in-list', column: 'pools' } },
  amphorae: { project_id: { kind: 'loadbalancer-project' } },
};

type Coerced = { readonly values: unknown[] } | QueryError;

/** Neutron converts a filter value by the attribute's type and rejects what does not convert. */
function coerceFilter(name: string, spec: FieldSpec, raw: readonly string[]): Coerced {
  const values: unknown[] = [];
  for (const value of raw) {
    if (spec.type === 'string') values.push(value);
    else if (spec.type === 'integer') {
      if (!/^[-+]?\d{1,15}$/.test(value.trim())) {
        return queryError(400, 'InvalidInput', `Invalid input for operation: '${value}' is not an integer (filter ${name}).`);
      }
      values.push(Number(value));
    } else {
      const lowered = value.trim().toLowerCase();
      if (lowered === 'true' || lowered === '1') values.push(true);
      else if (lowered === 'false' || lowered === '0') values.push(false);
      else
        return queryError(400, 'InvalidInput', `Invalid input for operation: '${value}' cannot be converted to boolean (filter ${name}).`);
    }
  }
  return { values };
}

/** Builds the conditions of one list query, naming its parameters uniquely. */
class ConditionBuilder {
  readonly conditions: Condition[] = [];
  private next = 0;

  constructor(private readonly dialect: SqlDialect) {}

  parameter(): string {
    return `filter${this.next++}`;
  }

  add(sql: string, parameters: Record<string, unknown> = {}): void {
    this.conditions.push({ sql, parameters });
  }

  /** The elements of a JSON array column as rows of one text column `t.value`. */
  arrayElements(column: string): string {
    return this.dialect === 'sqlite' ? `json_each(r.${column}) t` : `jsonb_array_elements_text(CAST(r.${column} AS jsonb)) t`;
  }

  /** The `id` of each `{id}` in a JSON array column, as `t.value` is to arrayElements. */
  elementIds(column: string): { from: string; id: string } {
    return this.dialect === 'sqlite'
      ? { from: `json_each(r.${column}) t`, id: `json_extract(t.value, '$.id')` }
      : { from: `jsonb_array_elements(CAST(r.${column} AS jsonb)) t`, id: `t.value ->> 'id'` };
  }
}

function columnCondition(conditions: ConditionBuilder, name: string, spec: FieldSpec, raw: readonly string[], octavia: boolean) {
  // Octavia's nullable fields hold null or an id, never '': `?default_pool_id=` asks for null.
  const matchesNull = octavia && spec.nullable && raw.includes('');
  const given = matchesNull ? raw.filter((value) => value !== '') : raw;
  const coerced = coerceFilter(name, spec, given);
  if ('error' in coerced) return coerced;
  const parameter = conditions.parameter();
  const among = `r.${spec.column} IN (:...${parameter})`;
  if (!matchesNull) conditions.add(among, { [parameter]: coerced.values });
  else if (coerced.values.length === 0) conditions.add(`r.${spec.column} IS NULL`);
  else conditions.add(`(r.${spec.column} IS NULL OR ${among})`, { [parameter]: coerced.values });
  return undefined;
}

function derivedCondition(conditions: ConditionBuilder, filter: DerivedFilter, raw: readonly string[]): void {
  const parameter = conditions.parameter();
  if (filter.kind === 'loadbalancer-project') {
    const projects = `SELECT l.id FROM loadbalancers l WHERE l.project_id IN (:...${parameter})`;
    conditions.add(`r.loadbalancer_id IN (${projects})`, { [parameter]: raw });
    return;
  }
  const { from, id } = conditions.elementIds(filter.column);
  conditions.add(`EXISTS (SELECT 1 FROM ${from} WHERE ${id} IN (:...${parameter}))`, { [parameter]: raw });
}

/**
 * Octavia's four tag filters as one count: how many distinct asked tags the row has. `tags`
 * wants all of them, `tags-any` at least one, `not-tags` fewer than all, `not-tags-any` none.
 */
function tagConditions(conditions: ConditionBuilder, tags: TagFilters): void {
  const tests: [readonly string[], (count: string, asked: number) => string][] = [
    [tags.all, (count, asked) => `${count} = ${asked}`],
    [tags.any, (count) => `${count} > 0`],
    [tags.notAll, (count, asked) => `${count} < ${asked}`],
    [tags.notAny, (count) => `${count} = 0`],
  ];
  for (const [asked, test] of tests) {
    const distinct = [...new Set(asked)];
    if (distinct.length === 0) continue;
    const parameter = conditions.parameter();
    const count = `(SELECT COUNT(DISTINCT t.value) FROM ${conditions.arrayElements('tags')} WHERE t.value IN (:...${parameter}))`;
    conditions.add(test(count, distinct.length), { [parameter]: distinct });
  }
}

/**
 * The WHERE conditions of a list query's filters and tags on the table aliased `r`, or the
 * QueryError that refuses them (a value that does not convert; on a v2 collection, a field
 * that is unknown or not a scalar).
 */
export function filterConditions(query: Pick<ListQuery, 'collection' | 'filters' | 'tags'>, dialect: SqlDialect): Condition[] | QueryError {
  const table = RESOURCE_TABLES[query.collection];
  const octavia = OCTAVIA_COLLECTIONS.has(query.collection);
  const conditions = new ConditionBuilder(dialect);
  for (const [name, raw] of Object.entries(query.filters)) {
    const spec = table.fields.get(name);
    const derived = octavia && !spec ? DERIVED_FILTERS[query.collection]?.[name] : undefined;
    if (octavia && !spec && !derived) return invalidFilter(`'${name}' is not a field of ${query.collection}.`);
    if (octavia && spec?.type === 'json') {
      const instead = name === 'tags' ? ' Filter tags with tags, tags-any, not-tags and not-tags-any.' : '';
      return invalidFilter(`'${name}' is a list or an object and cannot be filtered on.${instead}`);
    }
    if (raw.length === 0) continue;
    if (derived) derivedCondition(conditions, derived, raw);
    // Neutron ignores filters it does not know and cannot filter on lists or objects.
    else if (spec && spec.type !== 'json') {
      const refused = columnCondition(conditions, name, spec, raw, octavia);
      if (refused) return refused;
    }
  }
  if (query.tags && table.fields.has('tags')) tagConditions(conditions, query.tags);
  return conditions.conditions;
}
