import {
  type Collection,
  type LoadBalancerCommand,
  type LoadBalancerState,
  type QuotaClaim,
  type ResourceByCollection,
} from '@lbaas/domain';
import { allows, type PolicyRule } from '@lbaas/identity';
import { Forbidden } from '@lbaas/domain';
import type { CommandRun, Saga } from '../../commands/command-run';
import type { Deleted, Written } from '../../commands/request-context';
import type { OctaviaCaller } from '../http/octavia-input';
import { notFound } from '../http/octavia-input';
import type { OctaviaShared } from '../octavia-shared';
import { LateCreates } from '../quota/late-creates';
import { QuotaAccounting } from '../quota/quota-accounting';

/** What every v2 command shares: a run in the owner's name, the time, the load balancer's stream, the answer. */
export class OctaviaRuns {
  private readonly quotas: QuotaAccounting;
  /** A create that appended late checks that the reclaimer did not release what it reserved. */
  readonly lateCreates: LateCreates;

  constructor(private readonly shared: OctaviaShared) {
    this.lateCreates = new LateCreates(shared.runs, shared.quotaReclaimGraceMs);
    this.quotas = new QuotaAccounting(shared.stream, shared.quotaDefaults, () => this.now(), this.lateCreates);
  }

  /**
   * A request's CommandRun, writing in the name of the object's project (an admin acting on
   * another project's load balancer writes in the owner's name, as v1 does).
   */
  begin(caller: OctaviaCaller, projectId: string): CommandRun {
    return this.shared.runs.begin({ ...caller.ctx, tenantId: projectId });
  }

  now(): string {
    return this.shared.runs.env.now();
  }

  newId(): string {
    return this.shared.runs.env.newId();
  }

  derivedId(name: string): string {
    return this.shared.runs.env.derivedId(name);
  }

  /** The project a create is for: the caller's, or the body's when the caller may create there (else 403). */
  projectFor(caller: OctaviaCaller, requested: string | undefined, rule: PolicyRule): string {
    if (requested === undefined || requested === caller.principal.tenantId) return caller.principal.tenantId;
    if (!allows(caller.principal, rule, requested)) throw new Forbidden(`${rule} for project ${requested}`);
    return requested;
  }

  execute(run: CommandRun, loadBalancerId: string, command: (state: LoadBalancerState) => LoadBalancerCommand | null) {
    return this.quotas.execute(run, loadBalancerId, command);
  }

  /** A saga's first step: the project's quota for what the load balancer's create will make, released if a later step fails. */
  async reserveFirst(run: CommandRun, saga: Saga, projectId: string, loadBalancerId: string, claims: readonly QuotaClaim[]): Promise<void> {
    const reserved = await this.quotas.reserve(run, projectId, loadBalancerId, claims);
    if (reserved !== null) saga.compensate(reserved, () => this.quotas.release(run, projectId, claims));
  }

  /** The write's answer: the object as the decider's new state shows it (read your writes), noted for the next reads. */
  written<C extends Collection>(
    run: CommandRun,
    state: LoadBalancerState,
    collection: C,
    title: string,
    id: string,
  ): Written<ResourceByCollection[C]> {
    const rows = (this.shared.stream.rows(state)[collection] ?? []) as ResourceByCollection[C][];
    const resource = rows.find((row) => row.id === id);
    if (resource === undefined) throw notFound(title, id);
    this.shared.progress.note(run.seq);
    return { resource, seq: run.seq };
  }

  done(run: CommandRun): Deleted {
    this.shared.progress.note(run.seq);
    return { seq: run.seq };
  }
}
