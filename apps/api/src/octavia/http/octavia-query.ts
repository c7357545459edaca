import { HttpError } from '../../http/errors';

/** Octavia's tag filters, each a list of tags: `tags`, `tags-any`, `not-tags`, `not-tags-any`. */
export interface TagFilters {
  readonly all: readonly string[];
  readonly any: readonly string[];
  readonly notAll: readonly string[];
  readonly notAny: readonly string[];
}

export interface OctaviaSort {
  readonly key: string;
  readonly dir: 'asc' | 'desc';
}

export interface OctaviaPage {
  readonly limit: number;
  readonly marker: string | null;
  readonly pageReverse: boolean;
}

/** A v2 list request's query, checked. */
export interface OctaviaListQuery {
  readonly filters: Record<string, string[]>;
  readonly fields: string[];
  readonly sort: OctaviaSort[];
  readonly page?: OctaviaPage;
  readonly tags?: TagFilters;
}

/** Octavia's own bound on a page (`pagination_max_limit`'s default). */
export const MAX_PAGE = 1000;
/** Octavia's default order: oldest first, the id breaking ties. */
const DEFAULT_SORT: OctaviaSort[] = [{ key: 'created_at', dir: 'asc' }];
const TAG_KEYS = { tags: 'all', 'tags-any': 'any', 'not-tags': 'notAll', 'not-tags-any': 'notAny' } as const;
const SHAPING_KEYS = new Set(['fields', 'limit', 'marker', 'page_reverse', 'sort', 'sort_key', 'sort_dir', ...Object.keys(TAG_KEYS)]);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const bad = (message: string): HttpError => new HttpError(400, 'InvalidInput', message);

/** A parameter repeated or comma-separated (`?fields=a,b&fields=c`), as one list without empty items. */
const commaList = (query: URLSearchParams, key: string): string[] =>
  query
    .getAll(key)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v.length > 0);

function sortDir(dir: string): 'asc' | 'desc' {
  if (dir !== 'asc' && dir !== 'desc') throw bad(`Supplied sort direction '${dir}' is not valid.`);
  return dir;
}

/** `sort=key:dir,key2` or `sort_key=a,b&sort_dir=desc`; a direction left out is ascending, as Octavia's default. */
export function sortOf(query: URLSearchParams): OctaviaSort[] {
  const sort = query.get('sort');
  if (sort !== null && sort !== '') {
    return sort.split(',').map((part) => {
      const comps = part.split(':');
      if (comps.length > 2 || comps[0] === '') throw bad(`Supplied sort key '${part}' is not valid.`);
      return { key: comps[0], dir: sortDir(comps[1] ?? 'asc') };
    });
  }
  const keys = commaList(query, 'sort_key');
  const dirs = commaList(query, 'sort_dir');
  if (keys.length === 0) return DEFAULT_SORT;
  return keys.map((key, i) => ({ key, dir: sortDir(dirs[i] ?? 'asc') }));
}

/** `limit` (below 1: no limit; above 1000: 1000), `marker` (an id), `page_reverse`. */
export function pageOf(query: URLSearchParams): OctaviaPage | undefined {
  const rawLimit = query.get('limit');
  const marker = query.get('marker');
  if (rawLimit !== null && !/^-?\d{1,9}$/.test(rawLimit)) throw bad(`Supplied pagination limit '${rawLimit}' is not valid.`);
  if (marker !== null && !UUID.test(marker)) throw bad(`Supplied pagination marker '${marker}' is not valid.`);
  const limit = rawLimit === null ? MAX_PAGE : Number(rawLimit);
  const pageReverse = /^(true|1)$/i.test(query.get('page_reverse') ?? '');
  if (limit < 1 && marker === null) return undefined;
  return { limit: limit < 1 ? MAX_PAGE : Math.min(limit, MAX_PAGE), marker, pageReverse };
}

export function tagFiltersOf(query: URLSearchParams): TagFilters | undefined {
  const tags = {
    all: commaList(query, 'tags'),
    any: commaList(query, 'tags-any'),
    notAll: commaList(query, 'not-tags'),
    notAny: commaList(query, 'not-tags-any'),
  };
  return Object.values(tags).some((list) => list.length > 0) ? tags : undefined;
}

/** Every other parameter filters: `?name=a&name=b` is name IN (a, b). */
export function filtersOf(query: URLSearchParams): Record<string, string[]> {
  // A Map: keys such as `constructor` or `__proto__` are the client's, not Object's.
  const filters = new Map<string, string[]>();
  for (const [key, value] of query) {
    if (SHAPING_KEYS.has(key)) continue;
    const values = filters.get(key);
    if (values) values.push(value);
    else filters.set(key, [value]);
  }
  return Object.fromEntries(filters);
}

/** Octavia's list query: filters, fields, sort, pagination and tags. */
export function octaviaListQuery(query: URLSearchParams): OctaviaListQuery {
  const page = pageOf(query);
  const tags = tagFiltersOf(query);
  return {
    filters: filtersOf(query),
    fields: commaList(query, 'fields'),
    sort: sortOf(query),
    ...(page ? { page } : {}),
    ...(tags ? { tags } : {}),
  };
}

/** `?fields=` of a show. */
export const fieldsOf = (query: URLSearchParams): string[] => commaList(query, 'fields');

/**
 * `<collection>_links` as Octavia builds them: the same path with limit (and sort) kept, `next`
 * after a page that has more, `previous` when the page was reached with a marker.
 */
export function pageLinks(url: URL, page: OctaviaPage | undefined, ids: readonly string[], more: boolean): { href: string; rel: string }[] {
  if (page === undefined || ids.length === 0) return [];
  const link = (rel: 'next' | 'previous', marker: string, reverse: boolean) => {
    const next = new URL(url.toString());
    next.searchParams.set('marker', marker);
    next.searchParams.delete('page_reverse');
    if (reverse) next.searchParams.set('page_reverse', 'True');
    return { href: next.toString(), rel };
  };
  const hasNext = page.pageReverse ? page.marker !== null : more;
  const hasPrevious = page.pageReverse ? more : page.marker !== null;
  const links: { href: string; rel: string }[] = [];
  if (hasPrevious) links.push(link('previous', ids[0], true));
  if (hasNext) links.push(link('next', ids[ids.length - 1], false));
  return links;
}
