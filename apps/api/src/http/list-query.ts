import { createParamDecorator, type ExecutionContext, Injectable, type PipeTransform } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { RequestContext } from '../commands/request-context';
import { ReadSide } from '../read-side';
import { HttpError } from './errors';
import { requestUrl } from './request-target';
import type { ResourceSpec } from './route-table';

/** Query keys that shape a list rather than filter it. */
const NON_FILTER_KEYS = new Set(['fields', 'limit', 'marker', 'page_reverse', 'sort_key', 'sort_dir']);

/** A list request's query, checked: what to filter by, which fields, in what order, which page. */
export interface ListRequest {
  /** The request's own URL: page links keep its path and query. */
  readonly url: URL;
  readonly filters: Record<string, string[]>;
  readonly fields: string[];
  readonly shape: ListShape;
}

/** `?fields=` of a show or a list: empty means every field. */
export const fieldsOf = (query: URLSearchParams): string[] => query.getAll('fields').filter((f) => f.length > 0);

/** The request URL as the client sent it (the router sees it rewritten), and its query read as URLSearchParams do. */
const TargetUrl = createParamDecorator((_data: unknown, ctx: ExecutionContext): URL => {
  const request = ctx.switchToHttp().getRequest<FastifyRequest>();
  return requestUrl(request.originalUrl);
});

/** Neutron's list query (filters, fields, sort, pagination), or a 400 for a sort or a limit it cannot take. */
export class ListQueryPipe implements PipeTransform<URL, ListRequest> {
  transform(url: URL): ListRequest {
    return { url, filters: filtersOf(url.searchParams), fields: fieldsOf(url.searchParams), shape: listShapeOf(url.searchParams) };
  }
}

class FieldsPipe implements PipeTransform<URL, string[]> {
  transform(url: URL): string[] {
    return fieldsOf(url.searchParams);
  }
}

export const ListQuery = (): ParameterDecorator => TargetUrl(new ListQueryPipe());
export const Fields = (): ParameterDecorator => TargetUrl(new FieldsPipe());

/** Lists and shows of every collection from the read side, in Neutron's envelopes, scoped to the caller's tenant unless an admin asks. */
@Injectable()
export class CollectionReads {
  constructor(private readonly reads: ReadSide) {}

  async list(resource: ResourceSpec, caller: RequestContext, query: ListRequest): Promise<Record<string, unknown>> {
    const { items, ids, more } = await this.reads.list(
      resource.collection,
      caller.isAdmin ? null : caller.tenantId,
      query.filters,
      query.fields,
      query.shape,
    );
    const links = query.shape.page ? pageLinks(query.url, query.shape.page, ids, more) : [];
    return { [resource.collection]: items, ...(links.length ? { [`${resource.collection}_links`]: links } : {}) };
  }

  async show(resource: ResourceSpec, id: string, caller: RequestContext, fields: string[]): Promise<Record<string, unknown>> {
    return { [resource.singular]: await this.reads.get(resource.collection, id, caller.isAdmin ? null : caller.tenantId, fields) };
  }
}

type Page = NonNullable<ListShape['page']>;

/**
 * A list of resources the service derives rather than stores, in Neutron's envelope: `fields`
 * kept as the read side keeps them, and the page links of `query`.
 */
export function derivedListEnvelope(
  collection: string,
  items: readonly Readonly<Record<string, unknown>>[],
  more: boolean,
  query: ListRequest,
): Record<string, unknown> {
  const ids = items.map((item) => String(item.id));
  const links = query.shape.page ? pageLinks(query.url, query.shape.page, ids, more) : [];
  return {
    [collection]: items.map((item) => withFields(item, query.fields)),
    ...(links.length ? { [`${collection}_links`]: links } : {}),
  };
}

/** `?fields=a&fields=b` keeps exactly the asked fields that exist; none keeps all. */
export function withFields(resource: Readonly<Record<string, unknown>>, fields: readonly string[]): Record<string, unknown> {
  if (fields.length === 0) return { ...resource };
  return Object.fromEntries(
    fields.filter((name) => Object.prototype.hasOwnProperty.call(resource, name)).map((name) => [name, resource[name]]),
  );
}
export interface ListShape {
  readonly sort: { key: string; dir: 'asc' | 'desc' }[];
  readonly page?: { limit: number; marker: string | null; pageReverse: boolean };
}

/** Neutron's `sort_key`/`sort_dir` (repeatable, paired) and `limit`/`marker`/`page_reverse`. */
export function listShapeOf(query: URLSearchParams): ListShape {
  const keys = query.getAll('sort_key');
  const dirs = query.getAll('sort_dir');
  if (dirs.length > 0 && dirs.length !== keys.length) {
    throw new HttpError(400, 'HTTPBadRequest', 'The number of sort_keys and sort_dirs must be same.');
  }
  const sort = keys.map((key, i) => {
    const dir = dirs[i] ?? 'asc';
    if (dir !== 'asc' && dir !== 'desc')
      throw new HttpError(400, 'HTTPBadRequest', `${dir} is invalid value for sort_dir, valid values are 'asc' and 'desc'.`);
    return { key, dir } as const;
  });
  const rawLimit = query.get('limit');
  const marker = query.get('marker');
  const pageReverse = /^(true|1)$/i.test(query.get('page_reverse') ?? '');
  if (rawLimit === null && marker === null) return { sort };
  const limit = rawLimit === null ? 0 : Number(rawLimit);
  if (!/^\d{1,9}$/.test(rawLimit ?? '0'))
    throw new HttpError(400, 'HTTPBadRequest', `Limit must be a non-negative integer, not '${rawLimit}'.`);
  return { sort, page: { limit, marker, pageReverse } };
}

/** `next`/`previous` links as Neutron builds them: the same query with a new marker. */
function pageLinks(url: URL, page: Page, ids: string[], more: boolean): { rel: string; href: string }[] {
  if (page.limit === 0 || ids.length === 0) return [];
  const link = (rel: string, marker: unknown, reverse: boolean) => {
    const next = new URL(url.toString());
    next.searchParams.set('marker', String(marker));
    next.searchParams.delete('page_reverse');
    if (reverse) next.searchParams.set('page_reverse', 'True');
    return { rel, href: `${next.pathname}${next.search}` };
  };
  const first = ids[0];
  const last = ids[ids.length - 1];
  const links: { rel: string; href: string }[] = [];
  const hasNext = page.pageReverse ? page.marker !== null : more;
  const hasPrevious = page.pageReverse ? more : page.marker !== null;
  if (hasNext && last !== undefined) links.push(link('next', last, false));
  if (hasPrevious && first !== undefined) links.push(link('previous', first, true));
  return links;
}

/** `?name=a&name=b&tenant_id=t` as {name: [a, b], tenant_id: [t]}, without the keys that shape the list. */
export function filtersOf(query: URLSearchParams): Record<string, string[]> {
  // A Map, not an object literal: keys such as `constructor` or `__proto__` are the client's, not Object's.
  const filters = new Map<string, string[]>();
  for (const [key, value] of query) {
    if (NON_FILTER_KEYS.has(key)) continue;
    const values = filters.get(key);
    if (values) values.push(value);
    else filters.set(key, [value]);
  }
  return Object.fromEntries(filters);
}
