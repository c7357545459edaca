import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  type GetReply,
  type ListReply,
  type OctaviaStatsReply,
  type PoolStatsReply,
  type ProjectsReply,
  QUERY_PATTERNS,
  type QueryError,
  QueryService,
  type RebuildResult,
  type StatusReply,
} from '@lbaas/read-models';
import type { Logger } from 'pino';
import { CheckpointGate } from './checkpoint-gate';
import { PROJECTIONS_CONFIG, type ProjectionsConfig } from './config';
import { EVENT_LOG, type EventLog } from './event-log';
import { LiveProjection, RebuildInProgress } from './live-projection';
import { LOGGER } from './logger';
import {
  GetQuerySchema,
  isQueryError,
  ListenerStatsQuerySchema,
  ListQuerySchema,
  LoadBalancerStatsQuerySchema,
  parsePayload,
  PoolStatsQuerySchema,
  ProjectsQuerySchema,
} from './query-payloads';

const lagging = (minSeq: number, checkpoint: number): QueryError => ({
  error: {
    status: 503,
    type: 'ProjectionLagging',
    message: `The read models are at sequence ${checkpoint}, not yet at ${minSeq}; retry shortly.`,
  },
});
const internal: QueryError = { error: { status: 500, type: 'InternalError', message: 'The query failed; see the projections log.' } };

/**
 * The api's reads over NATS request/reply. Every reply is a value, errors included, so the
 * caller never waits on an exception that the transport would turn into a timeout.
 */
@Controller()
export class QueryController {
  constructor(
    private readonly queries: QueryService,
    private readonly gate: CheckpointGate,
    private readonly live: LiveProjection,
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(PROJECTIONS_CONFIG) private readonly config: ProjectionsConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @MessagePattern(QUERY_PATTERNS.list)
  list(@Payload() payload: unknown): Promise<ListReply> {
    return this.answer(parsePayload(ListQuerySchema, payload), (query) => this.queries.list(query));
  }

  @MessagePattern(QUERY_PATTERNS.get)
  get(@Payload() payload: unknown): Promise<GetReply> {
    return this.answer(parsePayload(GetQuerySchema, payload), (query) => this.queries.get(query));
  }

  @MessagePattern(QUERY_PATTERNS.poolStats)
  poolStats(@Payload() payload: unknown): Promise<PoolStatsReply> {
    return this.answer(parsePayload(PoolStatsQuerySchema, payload), (query) => this.queries.poolStats(query));
  }

  @MessagePattern(QUERY_PATTERNS.listenerStats)
  listenerStats(@Payload() payload: unknown): Promise<OctaviaStatsReply> {
    return this.answer(parsePayload(ListenerStatsQuerySchema, payload), (query) => this.queries.listenerStats(query));
  }

  @MessagePattern(QUERY_PATTERNS.loadBalancerStats)
  loadBalancerStats(@Payload() payload: unknown): Promise<OctaviaStatsReply> {
    return this.answer(parsePayload(LoadBalancerStatsQuerySchema, payload), (query) => this.queries.loadBalancerStats(query));
  }

  @MessagePattern(QUERY_PATTERNS.projects)
  projects(@Payload() payload: unknown): Promise<ProjectsReply> {
    return this.answer(parsePayload(ProjectsQuerySchema, payload), () => this.queries.projects());
  }

  @MessagePattern(QUERY_PATTERNS.status)
  async status(): Promise<StatusReply> {
    return { checkpoint: this.gate.checkpoint, streamLastSeq: await this.log.lastSeq() };
  }

  @MessagePattern(QUERY_PATTERNS.rebuild)
  async rebuild(): Promise<RebuildResult> {
    try {
      return await this.live.rebuild();
    } catch (error) {
      if (error instanceof RebuildInProgress) return { error: { status: 409, type: 'RebuildInProgress', message: error.message } };
      this.logger.error({ err: error }, 'rebuild failed');
      return internal;
    }
  }

  private async answer<Q extends { minSeq: number }, R>(query: Q | QueryError, run: (query: Q) => Promise<R>): Promise<R | QueryError> {
    if (isQueryError(query)) return query;
    if (!(await this.gate.waitFor(query.minSeq, this.config.minSeqWaitMs))) return lagging(query.minSeq, this.gate.checkpoint);
    await this.live.readable();
    try {
      return await run(query);
    } catch (error) {
      this.logger.error({ err: error }, 'query failed');
      return internal;
    }
  }
}
