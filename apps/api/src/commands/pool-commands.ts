import { Injectable } from '@nestjs/common';
import { NotFound, poolDecider, type PoolResource, poolView, subnetDecider } from '@lbaas/domain';
import type { BodyOf } from '../http/schemas';
import { CommandRuns, replay, tenantFor, written } from './command-runs';
import { releaseMonitorSide } from './health-monitor-commands';
import type { Deleted, RequestContext, Written } from './request-context';

/** Pools: a pool's stream also holds its members, its VIP binding and its side of monitor associations (see MemberCommands). */
@Injectable()
export class PoolCommands {
  constructor(private readonly runs: CommandRuns) {}

  async createPool(ctx: RequestContext, input: BodyOf<'createPool'>): Promise<Written<PoolResource>> {
    const run = this.runs.begin(ctx);
    const poolId = run.newAggregateId(poolDecider, 'pool');
    const tenantId = tenantFor(ctx, input.tenant_id);
    const earlier = await replay(run, poolDecider, poolId);
    if (earlier) return written(run, poolView(earlier), 'Pool', poolId);
    await run.visible(subnetDecider, input.subnet_id);
    const out = await run.execute(poolDecider, poolId, (s) =>
      s.kind === 'live' && ctx.idempotencyKey
        ? null
        : {
            type: 'CreatePool',
            data: {
              poolId,
              tenantId,
              name: input.name ?? '',
              description: input.description ?? '',
              subnetId: input.subnet_id,
              protocol: input.protocol,
              lbMethod: input.lb_method,
              adminStateUp: input.admin_state_up ?? true,
              provider: input.provider ?? 'haproxy',
            },
          },
    );
    return written(run, poolView(out.state), 'Pool', poolId);
  }

  async updatePool(ctx: RequestContext, id: string, input: BodyOf<'updatePool'>): Promise<Written<PoolResource>> {
    const run = this.runs.begin(ctx);
    const out = await run.execute(poolDecider, id, () => ({
      type: 'UpdatePool',
      data: { poolId: id, name: input.name, description: input.description, lbMethod: input.lb_method, adminStateUp: input.admin_state_up },
    }));
    return written(run, poolView(out.state), 'Pool', id);
  }

  /**
   * Pool (PoolInUse is decided there; members go with it) -> each monitor's side of its associations.
   * A retry completes an interrupted deletion, then answers NotFound.
   */
  async deletePool(ctx: RequestContext, id: string): Promise<Deleted> {
    const run = this.runs.begin(ctx);
    const { state: last, deleted } = await run.lastSeen(poolDecider, id);
    let monitorIds = last.monitorIds;
    if (!deleted) {
      await run.execute(poolDecider, id, (s) => {
        monitorIds = s.kind === 'live' ? s.monitorIds : [];
        return { type: 'DeletePool', data: { poolId: id } };
      });
    }
    for (const monitorId of monitorIds) await releaseMonitorSide(run, monitorId, id);
    if (deleted) throw new NotFound('Pool', id);
    return { seq: run.seq };
  }
}
