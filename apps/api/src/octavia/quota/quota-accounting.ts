import {
  claimsOf,
  type L7PolicyTree,
  type LoadBalancerCommand,
  type LoadBalancerState,
  type QuotaClaim,
  type QuotaLimits,
  type QuotaResource,
  type QuotaState,
  quotaDecider,
  reservationKey,
} from '@lbaas/domain';
import type { CommandRun, Outcome } from '../../commands/command-run';
import type { LoadBalancerStream } from '../commands/loadbalancer-stream';
import type { LateCreates } from './late-creates';

/** Every create of a project reserves on its one quota stream: more tries than elsewhere before a lost race is a 409. */
const QUOTA_ATTEMPTS = 40;

const claim = (resource: QuotaResource, objectId: string): QuotaClaim => ({ resource, objectId });

const policyClaims = (policies: readonly L7PolicyTree[]): QuotaClaim[] =>
  policies.flatMap((p) => [claim('l7policy', p.l7policy.id), ...p.rules.map((r) => claim('l7rule', r.id))]);

type LoadBalancerTree = Pick<Extract<LoadBalancerCommand, { type: 'CreateLoadBalancer' }>['data'], 'listeners' | 'pools' | 'l7policies'>;

/** Every object a single-call create makes, known before its VIP address is. */
export function loadBalancerTreeClaims(loadBalancerId: string, tree: LoadBalancerTree): QuotaClaim[] {
  return [
    claim('loadbalancer', loadBalancerId),
    ...tree.listeners.map((l) => claim('listener', l.id)),
    ...tree.pools.flatMap((t) => [
      claim('pool', t.pool.id),
      ...t.members.map((m) => claim('member', m.id)),
      ...(t.monitor ? [claim('healthmonitor', t.monitor.id)] : []),
    ]),
    ...policyClaims(tree.l7policies ?? []),
  ];
}

/** What a command would create that the state does not hold yet: a batch replace creates the members whose endpoint is new. */
export function newClaims(command: LoadBalancerCommand, state: LoadBalancerState): QuotaClaim[] {
  const wanted = ((): QuotaClaim[] => {
    switch (command.type) {
      case 'CreateLoadBalancer':
        return loadBalancerTreeClaims(command.data.loadBalancer.id, command.data);
      case 'CreateListener':
        return [claim('listener', command.data.listener.id), ...policyClaims(command.data.l7policies ?? [])];
      case 'CreateLbPool':
        return [claim('pool', command.data.pool.id)];
      case 'CreateLbMember':
        return [claim('member', command.data.member.id)];
      case 'CreateLbHealthMonitor':
        return [claim('healthmonitor', command.data.monitor.id)];
      case 'CreateL7Policy':
        return policyClaims([command.data]);
      case 'CreateL7Rule':
        return [claim('l7rule', command.data.rule.id)];
      case 'ReplaceLbMembers': {
        const pool = state.kind === 'live' ? state.pools.find((p) => p.id === command.data.poolId) : undefined;
        const known = new Set((pool?.members ?? []).map((m) => `${m.address}:${m.protocolPort}`));
        return command.data.members.filter((m) => !known.has(`${m.address}:${m.protocolPort}`)).map((m) => claim('member', m.id));
      }
      default:
        return [];
    }
  })();
  const held = new Set(claimsOf(state).map((c) => c.objectId));
  return wanted.filter((c) => !held.has(c.objectId));
}

const projectOf = (command: LoadBalancerCommand | null, ...states: LoadBalancerState[]): string | null => {
  for (const s of states) if (s.kind === 'live') return s.projectId;
  return command?.type === 'CreateLoadBalancer' ? command.data.loadBalancer.projectId : null;
};

/**
 * Octavia's quotas around every v2 command on a load balancer: what the command creates is
 * reserved on the project's quota stream first (refused there with Octavia's 403, decided with
 * optimistic concurrency, so concurrent creates never pass a limit), then the command is decided;
 * whatever the decision did not keep (a refusal, a deletion, a batch replace that matched an
 * existing member) is released after it.
 */
export class QuotaAccounting {
  constructor(
    private readonly stream: LoadBalancerStream,
    private readonly defaults: QuotaLimits,
    private readonly now: () => string,
    private readonly lateCreates: LateCreates,
  ) {}

  async execute(
    run: CommandRun,
    loadBalancerId: string,
    command: (state: LoadBalancerState) => LoadBalancerCommand | null,
  ): Promise<Outcome<LoadBalancerState>> {
    const now = await this.stream.execute(run, loadBalancerId, () => null);
    const planned = command(now.state);
    const project = projectOf(planned, now.state);
    const wanted = planned === null || project === null ? [] : newClaims(planned, now.state);
    const reserved = project === null ? null : await this.reserve(run, project, loadBalancerId, wanted);
    let decidedOn: LoadBalancerState = now.state;
    let out: Outcome<LoadBalancerState>;
    try {
      out = await this.stream.execute(run, loadBalancerId, (state) => {
        decidedOn = state;
        return command(state);
      });
    } catch (error) {
      if (project !== null) await this.release(run, project, wanted);
      throw error;
    }
    const kept = new Set(claimsOf(out.state).map((c) => c.objectId));
    const gone = [...claimsOf(decidedOn), ...wanted].filter((c) => !kept.has(c.objectId));
    const owner = projectOf(planned, decidedOn, out.state);
    if (owner !== null) await this.release(run, owner, gone);
    const created = wanted.filter((c) => kept.has(c.objectId));
    const since = reserved === null ? null : oldestReservation(reserved.state, created);
    if (project !== null && since !== null && this.lateCreates.late(since))
      await this.lateCreates.recount(run, project, loadBalancerId, created);
    return out;
  }

  /**
   * Reserves before a command is decided; a create that makes other objects first (the VIP's
   * address and port) reserves before those, so a project at its limit is refused before it
   * touches a shared subnet. Claims already held are a no-op, so the command's own reservation
   * after it repeats nothing.
   */
  async reserve(
    run: CommandRun,
    projectId: string,
    loadBalancerId: string,
    claims: readonly QuotaClaim[],
  ): Promise<Outcome<QuotaState> | null> {
    if (claims.length === 0) return null;
    return run.execute(
      quotaDecider,
      projectId,
      () => ({ type: 'ReserveQuota', data: { projectId, loadBalancerId, at: this.now(), claims, defaults: this.defaults } }),
      { scoped: false, attempts: QUOTA_ATTEMPTS },
    );
  }

  async release(run: CommandRun, projectId: string, claims: readonly QuotaClaim[]): Promise<void> {
    if (claims.length === 0) return;
    await run.execute(quotaDecider, projectId, () => ({ type: 'ReleaseQuota', data: { projectId, claims } }), {
      scoped: false,
      attempts: QUOTA_ATTEMPTS,
    });
  }
}

/**
 * When the oldest of `claims` was reserved, as the quota holds them: an earlier try of the same
 * request (an Idempotency-Key) may have reserved them long before this one's append.
 */
function oldestReservation(quota: QuotaState, claims: readonly QuotaClaim[]): string | null {
  if (quota.kind !== 'live') return null;
  const times = claims.flatMap((c) => quota.reservations[reservationKey(c)]?.at ?? []);
  return times.reduce<string | null>((oldest, at) => (oldest === null || Date.parse(at) < Date.parse(oldest) ? at : oldest), null);
}
