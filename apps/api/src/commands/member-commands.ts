import { Inject, Injectable } from '@nestjs/common';
import { type MemberResource, memberViews, NotFound, poolDecider, type PoolState } from '@lbaas/domain';
import type { BodyOf } from '../http/schemas';
import type { CommandRun, Live } from './command-run';
import { CommandRuns, tenantFor, written } from './command-runs';
import type { Deleted, RequestContext, ResourceLookup, Written } from './request-context';
import { RESOURCE_LOOKUP } from './tokens';

/** Members, which live in their pool's stream: uniqueness of address and port is decided there. */
@Injectable()
export class MemberCommands {
  constructor(
    private readonly runs: CommandRuns,
    @Inject(RESOURCE_LOOKUP) private readonly lookup: ResourceLookup,
  ) {}

  private memberWritten(run: CommandRun, state: PoolState, memberId: string): Written<MemberResource> {
    return written(
      run,
      memberViews(state).find((m) => m.id === memberId),
      'Member',
      memberId,
    );
  }

  async createMember(ctx: RequestContext, input: BodyOf<'createMember'>): Promise<Written<MemberResource>> {
    const run = this.runs.begin(ctx);
    const memberId = this.runs.newId(ctx, 'member');
    const requestedTenant = input.tenant_id === undefined ? undefined : tenantFor(ctx, input.tenant_id);
    // The pool's stream is the only one read, so the decision can be made on the pool the store
    // holds and confirmed by the append; a refusal or a replay is decided again on the log.
    const out = await run.execute(
      poolDecider,
      input.pool_id,
      (pool) => {
        // Another tenant's pool is hidden by execute, a pool that is not live is not found: as `visible` says.
        if (pool.kind !== 'live') throw new NotFound('Pool', input.pool_id);
        if (ctx.idempotencyKey && pool.members.some((m) => m.id === memberId)) return null;
        return {
          type: 'AddMember',
          data: {
            // A member belongs to its pool's tenant unless an admin says otherwise.
            poolId: pool.id,
            memberId,
            tenantId: requestedTenant ?? pool.tenantId,
            address: input.address,
            protocolPort: input.protocol_port,
            weight: input.weight ?? 1,
            adminStateUp: input.admin_state_up ?? true,
          },
        };
      },
      { decideFirstOnKnownHistory: true },
    );
    if (!out.appended) run.observed(out.seq);
    return this.memberWritten(run, out.state, memberId);
  }

  /**
   * Members live in their pool's stream; the read side says which pool, and the pool's stream
   * confirms it (a member that moved or left is NotFound, never acted on in the wrong pool).
   */
  private async memberPool(run: CommandRun, memberId: string): Promise<Live<PoolState>> {
    const poolId = await this.lookup.memberPoolId(memberId);
    if (poolId === null) throw new NotFound('Member', memberId);
    const pool = await run.visible(poolDecider, poolId).catch((error: unknown) => {
      if (error instanceof NotFound) return null;
      throw error;
    });
    if (!pool || !pool.members.some((m) => m.id === memberId)) throw new NotFound('Member', memberId);
    return pool;
  }

  async updateMember(ctx: RequestContext, id: string, input: BodyOf<'updateMember'>): Promise<Written<MemberResource>> {
    const run = this.runs.begin(ctx);
    const pool = await this.memberPool(run, id);
    if (input.pool_id !== undefined && input.pool_id !== pool.id) return this.moveMember(run, pool, id, input.pool_id, input);
    const out = await run.execute(poolDecider, pool.id, () => ({
      type: 'UpdateMember',
      data: { poolId: pool.id, memberId: id, weight: input.weight, adminStateUp: input.admin_state_up },
    }));
    return this.memberWritten(run, out.state, id);
  }

  /** Target pool (address:port uniqueness is decided there) -> source pool; the target is undone if the source rejects. */
  private async moveMember(
    run: CommandRun,
    from: Live<PoolState>,
    memberId: string,
    toPoolId: string,
    input: BodyOf<'updateMember'>,
  ): Promise<Written<MemberResource>> {
    const target = await run.visible(poolDecider, toPoolId);
    const current = from.members.find((m) => m.id === memberId);
    if (!current) throw new NotFound('Member', memberId);
    const added = await run.saga(async (saga) => {
      const out = saga.compensate(
        await run.execute(poolDecider, target.id, () => ({
          type: 'AddMember',
          data: {
            poolId: target.id,
            memberId,
            tenantId: current.tenantId,
            address: current.address,
            protocolPort: current.protocolPort,
            weight: input.weight ?? current.weight,
            adminStateUp: input.admin_state_up ?? current.adminStateUp,
          },
        })),
        () =>
          run.execute(poolDecider, target.id, () => ({ type: 'RemoveMember', data: { poolId: target.id, memberId } }), { scoped: false }),
      );
      await run.execute(poolDecider, from.id, () => ({ type: 'RemoveMember', data: { poolId: from.id, memberId } }));
      return out;
    });
    return this.memberWritten(run, added.state, memberId);
  }

  async deleteMember(ctx: RequestContext, id: string): Promise<Deleted> {
    const run = this.runs.begin(ctx);
    const pool = await this.memberPool(run, id);
    await run.execute(poolDecider, pool.id, () => ({ type: 'RemoveMember', data: { poolId: pool.id, memberId: id } }));
    return { seq: run.seq };
  }
}
