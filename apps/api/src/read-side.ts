import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { type Collection, NotFound, RESOURCE_KIND, Unavailable } from '@lbaas/domain';
import {
  type GetReply,
  type ListQuery,
  type ListReply,
  type OctaviaStatsReply,
  type PoolStatsReply,
  type ProjectsReply,
  QUERY_PATTERNS,
  type QueryError,
  type StatusReply,
} from '@lbaas/read-models';
import { firstValueFrom, timeout } from 'rxjs';
import type { ResourceLookup } from './commands/request-context';
import { HttpError } from './http/errors';

export const PROJECTIONS_CLIENT = Symbol('PROJECTIONS_CLIENT');
const QUERY_TIMEOUT_MS = 10_000;

type Row = Record<string, unknown>;

/** The highest stream sequence this api process appended: reads wait for the projections to reach it. */
@Injectable()
export class WriteProgress {
  private seq = 0;
  get minSeq(): number {
    return this.seq;
  }
  note(seq: number): void {
    if (seq > this.seq) this.seq = seq;
  }
}

/** Reads from the projections service over NATS request/reply, with read-your-writes. */
@Injectable()
export class ReadSide implements ResourceLookup, OnApplicationShutdown {
  constructor(
    @Inject(PROJECTIONS_CLIENT) private readonly client: ClientProxy,
    private readonly progress: WriteProgress,
  ) {}

  async list(
    collection: Collection,
    tenantId: string | null,
    filters: Record<string, string[]>,
    fields: string[],
    shape: Pick<ListQuery, 'sort' | 'page' | 'tags'> = {},
  ): Promise<{ items: Row[]; ids: string[]; more: boolean }> {
    // Links need ids even when ?fields= leaves them out; they are dropped again below.
    const withId = shape.page && fields.length > 0 && !fields.includes('id') ? [...fields, 'id'] : fields;
    const reply = await this.ask<ListReply>(QUERY_PATTERNS.list, {
      collection,
      tenantId,
      filters,
      fields: withId,
      minSeq: this.progress.minSeq,
      ...shape,
    });
    const ids = reply.items.map((i) => String(i.id));
    const items = withId === fields ? reply.items : reply.items.map(({ id: _id, ...rest }) => rest);
    return { items, ids, more: reply.more ?? false };
  }

  async get(collection: Collection, id: string, tenantId: string | null, fields: string[]): Promise<Row> {
    const reply = await this.ask<GetReply>(QUERY_PATTERNS.get, { collection, id, tenantId, fields, minSeq: this.progress.minSeq });
    if (reply.item === null) throw new NotFound(RESOURCE_KIND[collection], id);
    return reply.item;
  }

  async poolStats(poolId: string, tenantId: string | null): Promise<Row> {
    const reply = await this.ask<PoolStatsReply>(QUERY_PATTERNS.poolStats, { poolId, tenantId, minSeq: this.progress.minSeq });
    if (reply.stats === null) throw new NotFound('Pool', poolId);
    return reply.stats;
  }

  /** A v2 listener's counters; NotFound when the tenant cannot see the listener. */
  async listenerStats(listenerId: string, tenantId: string | null): Promise<Row> {
    const reply = await this.ask<OctaviaStatsReply>(QUERY_PATTERNS.listenerStats, { listenerId, tenantId, minSeq: this.progress.minSeq });
    if (reply.stats === null) throw new NotFound(RESOURCE_KIND.listeners, listenerId);
    return { ...reply.stats };
  }

  /** A v2 load balancer's counters, the sum over its listeners; NotFound when the tenant cannot see it. */
  async loadBalancerStats(loadBalancerId: string, tenantId: string | null): Promise<Row> {
    const reply = await this.ask<OctaviaStatsReply>(QUERY_PATTERNS.loadBalancerStats, {
      loadBalancerId,
      tenantId,
      minSeq: this.progress.minSeq,
    });
    if (reply.stats === null) throw new NotFound(RESOURCE_KIND.loadbalancers, loadBalancerId);
    return { ...reply.stats };
  }

  /** The projects that own anything, after this process's own writes. */
  async projects(): Promise<readonly string[]> {
    return (await this.ask<ProjectsReply>(QUERY_PATTERNS.projects, { minSeq: this.progress.minSeq })).projects;
  }

  async status(): Promise<StatusReply> {
    return this.ask<StatusReply>(QUERY_PATTERNS.status, {});
  }

  async memberPoolId(memberId: string): Promise<string | null> {
    const reply = await this.ask<GetReply>(QUERY_PATTERNS.get, {
      collection: 'members',
      id: memberId,
      tenantId: null,
      fields: ['pool_id'],
      minSeq: this.progress.minSeq,
    });
    return typeof reply.item?.pool_id === 'string' ? reply.item.pool_id : null;
  }

  async floatingIpIdsOnPort(portId: string): Promise<string[]> {
    const { items } = await this.list('floatingips', null, { port_id: [portId] }, ['id']);
    return items.map((i) => String(i.id));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
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
