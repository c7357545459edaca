import { Injectable } from '@nestjs/common';
import {
  healthMonitorDecider,
  type HealthMonitorResource,
  type HealthMonitorState,
  healthMonitorView,
  NotFound,
  poolDecider,
} from '@lbaas/domain';
import type { BodyOf } from '../http/schemas';
import type { CommandRun } from './command-run';
import { CommandRuns, replay, tenantFor, written } from './command-runs';
import type { Deleted, RequestContext, Written } from './request-context';

/** Health monitors and their associations with pools, recorded on both sides: the monitor's and the pool's. */
@Injectable()
export class HealthMonitorCommands {
  constructor(private readonly runs: CommandRuns) {}

  async createHealthMonitor(ctx: RequestContext, input: BodyOf<'createHealthMonitor'>): Promise<Written<HealthMonitorResource>> {
    const run = this.runs.begin(ctx);
    const monitorId = run.newAggregateId(healthMonitorDecider, 'healthmonitor');
    const tenantId = tenantFor(ctx, input.tenant_id);
    const earlier = await replay(run, healthMonitorDecider, monitorId);
    if (earlier) return written(run, healthMonitorView(earlier), 'HealthMonitor', monitorId);
    const out = await run.execute(healthMonitorDecider, monitorId, (s) =>
      s.kind === 'live' && ctx.idempotencyKey
        ? null
        : {
            type: 'CreateHealthMonitor',
            data: {
              monitorId,
              tenantId,
              type: input.type,
              delay: input.delay,
              timeout: input.timeout,
              maxRetries: input.max_retries,
              httpMethod: input.http_method,
              urlPath: input.url_path,
              expectedCodes: input.expected_codes,
              adminStateUp: input.admin_state_up,
            },
          },
    );
    return written(run, healthMonitorView(out.state), 'HealthMonitor', monitorId);
  }

  async updateHealthMonitor(
    ctx: RequestContext,
    id: string,
    input: BodyOf<'updateHealthMonitor'>,
  ): Promise<Written<HealthMonitorResource>> {
    const run = this.runs.begin(ctx);
    const out = await run.execute(healthMonitorDecider, id, () => ({
      type: 'UpdateHealthMonitor',
      data: {
        monitorId: id,
        delay: input.delay,
        timeout: input.timeout,
        maxRetries: input.max_retries,
        httpMethod: input.http_method,
        urlPath: input.url_path,
        expectedCodes: input.expected_codes,
        adminStateUp: input.admin_state_up,
      },
    }));
    return written(run, healthMonitorView(out.state), 'HealthMonitor', id);
  }

  /** HealthMonitorInUse is decided in the monitor's stream, which records its associations. */
  async deleteHealthMonitor(ctx: RequestContext, id: string): Promise<Deleted> {
    const run = this.runs.begin(ctx);
    await run.execute(healthMonitorDecider, id, () => ({ type: 'DeleteHealthMonitor', data: { monitorId: id } }));
    return { seq: run.seq };
  }

  /**
   * Monitor (reserve: a monitor in use cannot be deleted) -> pool; the reservation is undone if
   * the pool rejects. A monitor side left by an interrupted association is completed, not doubled.
   */
  async associateHealthMonitor(ctx: RequestContext, poolId: string, monitorId: string): Promise<Deleted> {
    const run = this.runs.begin(ctx);
    const pool = await run.visible(poolDecider, poolId);
    await run.visible(healthMonitorDecider, monitorId);
    poolDecider.decide({ type: 'AssociateMonitor', data: { poolId, monitorId } }, pool);
    await run.saga(async (saga) => {
      saga.compensate(
        await run.execute(healthMonitorDecider, monitorId, (s) =>
          s.kind === 'live' && s.poolIds.includes(poolId) ? null : { type: 'AssociatePool', data: { monitorId, poolId } },
        ),
        () => releaseMonitorSide(run, monitorId, poolId),
      );
      await run.execute(poolDecider, poolId, () => ({ type: 'AssociateMonitor', data: { poolId, monitorId } }));
    });
    return { seq: run.seq };
  }

  /** Pool -> monitor (the reservation is released last). Either side alone is enough to find the association. */
  async disassociateHealthMonitor(ctx: RequestContext, poolId: string, monitorId: string): Promise<Deleted> {
    const run = this.runs.begin(ctx);
    await run.visible(poolDecider, poolId);
    const poolSide = await run.execute(poolDecider, poolId, (s) =>
      s.kind === 'live' && !s.monitorIds.includes(monitorId) ? null : { type: 'DisassociateMonitor', data: { poolId, monitorId } },
    );
    const monitorSide = await releaseMonitorSide(run, monitorId, poolId);
    if (!poolSide.appended && !monitorSide.appended) {
      throw new NotFound('PoolMonitorAssociation', monitorId, `Monitor ${monitorId} is not associated with Pool ${poolId}`);
    }
    return { seq: run.seq };
  }
}

/** The monitor's side of an association, released; a no-op when it is gone already. */
export function releaseMonitorSide(run: CommandRun, monitorId: string, poolId: string) {
  return run.execute(
    healthMonitorDecider,
    monitorId,
    (s: HealthMonitorState) =>
      s.kind === 'live' && s.poolIds.includes(poolId) ? { type: 'DisassociatePool', data: { monitorId, poolId } } : null,
    { scoped: false },
  );
}
