import type { ClientProxy } from '@nestjs/microservices';
import { type Collection, Unavailable } from '@lbaas/domain';
import { type GetReply, type ListReply, QUERY_PATTERNS, type QueryError } from '@lbaas/read-models';
import { firstValueFrom, timeout } from 'rxjs';
import { HttpError } from '../http/errors';
import type { WriteProgress } from '../read-side';
import type { OctaviaListQuery } from './http/octavia-query';

const QUERY_TIMEOUT_MS = 10_000;

type Row = Record<string, unknown>;

/** Octavia's counters of a listener, or of a load balancer (the sum over its listeners). */
export interface OctaviaStats {
  bytes_in: number;
  bytes_out: number;
  active_connections: number;
  total_connections: number;
  request_errors: number;
}

/** The projections' patterns for v2 counters, from libs/read-models' query contract. */
export const STATS_PATTERNS = {
  listener: QUERY_PATTERNS.listenerStats,
  loadbalancer: QUERY_PATTERNS.loadBalancerStats,
} as const;

/**
 * The v2 api's reads from the projections service, over the api process's one projections client
 * (the Neutron application's), with read-your-writes through the same WriteProgress.
 */
export class OctaviaQueries {
  constructor(
    private readonly client: ClientProxy,
    private readonly progress: WriteProgress,
  ) {}

  /** One page of a collection; `tenantId` null reads every project's. */
  async list(
    collection: Collection,
    tenantId: string | null,
    query: OctaviaListQuery,
  ): Promise<{ items: Row[]; ids: string[]; more: boolean }> {
    const { fields, page } = query;
    // Links need ids even when ?fields= leaves them out; they are dropped again below.
    const withId = page && fields.length > 0 && !fields.includes('id') ? [...fields, 'id'] : fields;
    const reply = await this.ask<ListReply>(QUERY_PATTERNS.list, {
      collection,
      tenantId,
      filters: query.filters,
      fields: withId,
      sort: query.sort,
      minSeq: this.progress.minSeq,
      ...(page ? { page } : {}),
      ...(query.tags ? { tags: query.tags } : {}),
    });
    const ids = reply.items.map((i) => String(i.id));
    const items = withId === fields ? reply.items : reply.items.map(({ id: _id, ...rest }) => rest);
    return { items, ids, more: reply.more ?? false };
  }

  /** Every project's row (the caller's right to it is checked by the caller), or null. */
  async get(collection: Collection, id: string, fields: readonly string[] = []): Promise<Row | null> {
    const reply = await this.ask<GetReply>(QUERY_PATTERNS.get, { collection, id, tenantId: null, fields, minSeq: this.progress.minSeq });
    return reply.item;
  }

  async stats(kind: keyof typeof STATS_PATTERNS, id: string): Promise<OctaviaStats | null> {
    const payload = kind === 'listener' ? { listenerId: id } : { loadBalancerId: id };
    const reply = await this.ask<{ stats: OctaviaStats | null }>(STATS_PATTERNS[kind], {
      ...payload,
      tenantId: null,
      minSeq: this.progress.minSeq,
    });
    return reply.stats;
  }

  private async ask<R extends object>(pattern: string, payload: object): Promise<Exclude<R, QueryError>> {
    let reply: R | QueryError;
    try {
      reply = await firstValueFrom(this.client.send<R | QueryError>(pattern, payload).pipe(timeout(QUERY_TIMEOUT_MS)));
    } catch (error) {
      throw new Unavailable(`The read models did not answer (${error instanceof Error ? error.message : String(error)}); retry shortly.`);
    }
    if ('error' in reply) {
      if (reply.error.status === 503) throw new Unavailable(reply.error.message);
      throw new HttpError(reply.error.status, reply.error.type, reply.error.message);
    }
    return reply as Exclude<R, QueryError>;
  }
}
