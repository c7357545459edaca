import { Inject, Injectable } from '@nestjs/common';
import type { LbHealthMonitorResource, LbMemberResource, LbPoolResource, ListenerResource } from '@lbaas/domain';
import type { PolicyRule } from '@lbaas/identity';
import type { CommandRun } from '../../commands/command-run';
import type { Deleted, Written } from '../../commands/request-context';
import { HttpError } from '../../http/errors';
import { notFound, type OctaviaCaller } from '../http/octavia-input';
import { OCTAVIA_RESOURCES, type OctaviaResource } from '../http/octavia-routes';
import type { OctaviaBodyOf } from '../http/octavia-schemas';
import { loadBalancerIdOf, OctaviaReads } from '../octavia-reads';
import { OCTAVIA_SHARED, type OctaviaShared } from '../octavia-shared';
import {
  listenerChanges,
  listenerConfig,
  memberChanges,
  memberConfig,
  monitorChanges,
  monitorConfig,
  poolChanges,
  poolConfig,
} from './octavia-configs';
import { l7PolicyTree } from './l7-configs';
import { checkPolicyRegexes, REGEX_CHECK, type RegexCheck } from './l7-commands';
import { OctaviaRuns } from './octavia-runs';
import { resolveListenerReferences, resolvePoolReferences } from './tls-reference';

const { loadbalancers: LB, listeners: LISTENER, pools: POOL, members: MEMBER, healthmonitors: MONITOR } = OCTAVIA_RESOURCES;

/** The load balancer a child belongs to, and the project it is decided in. */
interface Parent {
  readonly loadBalancerId: string;
  readonly projectId: string;
}

/**
 * Listeners, pools, members and health monitors: each command names its load balancer, found
 * from the child's read-model row (ids never change; the read waits for this process's writes),
 * and is decided on the load balancer's stream, where every invariant between them lives.
 */
@Injectable()
export class ChildCommands {
  private readonly runs: OctaviaRuns;

  constructor(
    @Inject(OCTAVIA_SHARED) shared: OctaviaShared,
    private readonly reads: OctaviaReads,
    @Inject(REGEX_CHECK) private readonly regexCheck: RegexCheck,
  ) {
    this.runs = new OctaviaRuns(shared);
  }

  async createListener(caller: OctaviaCaller, body: OctaviaBodyOf<'createListener'>): Promise<Written<ListenerResource>> {
    const parent = await this.parentLoadBalancer(caller, body.loadbalancer_id, body.project_id, 'os_load-balancer_api:listener:post');
    const run = this.runs.begin(caller, parent.projectId);
    const references = await resolveListenerReferences(run, body, parent.projectId);
    const id = this.runs.newId();
    const { loadbalancer_id: _lb, project_id: _project, l7policies: policies, ...settings } = body;
    const listener = listenerConfig(id, settings, body.default_pool_id ?? null, references);
    const l7policies = (policies ?? []).map((p) => l7PolicyTree(p, () => this.runs.newId()));
    await checkPolicyRegexes(this.regexCheck, l7policies);
    const out = await this.runs.execute(run, parent.loadBalancerId, () => ({
      type: 'CreateListener',
      data: { loadBalancerId: parent.loadBalancerId, listener, l7policies, at: this.runs.now() },
    }));
    return this.runs.written(run, out.state, 'listeners', LISTENER.title, id);
  }

  async updateListener(caller: OctaviaCaller, id: string, body: OctaviaBodyOf<'updateListener'>): Promise<Written<ListenerResource>> {
    const parent = await this.parentOf(LISTENER, id, caller, 'os_load-balancer_api:listener:put');
    const run = this.runs.begin(caller, parent.projectId);
    const changes = listenerChanges(body, await resolveListenerReferences(run, body, parent.projectId));
    const out = await this.runs.execute(run, parent.loadBalancerId, () => ({
      type: 'UpdateListener',
      data: { loadBalancerId: parent.loadBalancerId, listenerId: id, changes, at: this.runs.now() },
    }));
    return this.runs.written(run, out.state, 'listeners', LISTENER.title, id);
  }

  async deleteListener(caller: OctaviaCaller, id: string): Promise<Deleted> {
    const parent = await this.parentOf(LISTENER, id, caller, 'os_load-balancer_api:listener:delete');
    return this.change(caller, parent, () => ({
      type: 'DeleteListener',
      data: { loadBalancerId: parent.loadBalancerId, listenerId: id, at: this.runs.now() },
    }));
  }

  /** `listener_id` (the pool becomes its default pool; its load balancer is the pool's) or `loadbalancer_id`. */
  async createPool(caller: OctaviaCaller, body: OctaviaBodyOf<'createPool'>): Promise<Written<LbPoolResource>> {
    const rule: PolicyRule = 'os_load-balancer_api:pool:post';
    let parent: Parent;
    if (body.listener_id !== undefined) {
      parent = await this.parentOf(LISTENER, body.listener_id, caller, rule);
      if (body.loadbalancer_id !== undefined && body.loadbalancer_id !== parent.loadBalancerId)
        throw new HttpError(
          400,
          'ValidationException',
          `Validation failure: Listener ${body.listener_id} is not on Load Balancer ${body.loadbalancer_id}.`,
        );
    } else if (body.loadbalancer_id !== undefined) {
      parent = await this.parentLoadBalancer(caller, body.loadbalancer_id, body.project_id, rule);
    } else {
      throw new HttpError(400, 'ValidationException', 'Validation failure: Either listener_id or loadbalancer_id must be specified.');
    }
    const id = this.runs.newId();
    const { listener_id: _listener, loadbalancer_id: _lb, project_id: _project, ...settings } = body;
    const run = this.runs.begin(caller, parent.projectId);
    const pool = poolConfig(id, settings, await resolvePoolReferences(run, body, parent.projectId));
    const out = await this.runs.execute(run, parent.loadBalancerId, () => ({
      type: 'CreateLbPool',
      data: { loadBalancerId: parent.loadBalancerId, pool, listenerId: body.listener_id ?? null, at: this.runs.now() },
    }));
    return this.runs.written(run, out.state, 'octavia_pools', POOL.title, id);
  }

  async updatePool(caller: OctaviaCaller, id: string, body: OctaviaBodyOf<'updatePool'>): Promise<Written<LbPoolResource>> {
    const parent = await this.parentOf(POOL, id, caller, 'os_load-balancer_api:pool:put');
    const run = this.runs.begin(caller, parent.projectId);
    const changes = poolChanges(body, await resolvePoolReferences(run, body, parent.projectId));
    const out = await this.runs.execute(run, parent.loadBalancerId, () => ({
      type: 'UpdateLbPool',
      data: { loadBalancerId: parent.loadBalancerId, poolId: id, changes, at: this.runs.now() },
    }));
    return this.runs.written(run, out.state, 'octavia_pools', POOL.title, id);
  }

  async deletePool(caller: OctaviaCaller, id: string): Promise<Deleted> {
    const parent = await this.parentOf(POOL, id, caller, 'os_load-balancer_api:pool:delete');
    return this.change(caller, parent, () => ({
      type: 'DeleteLbPool',
      data: { loadBalancerId: parent.loadBalancerId, poolId: id, at: this.runs.now() },
    }));
  }

  async createMember(caller: OctaviaCaller, poolId: string, body: OctaviaBodyOf<'createMember'>): Promise<Written<LbMemberResource>> {
    const parent = await this.parentOf(POOL, poolId, caller, 'os_load-balancer_api:member:post');
    const id = this.runs.newId();
    const member = memberConfig(id, body);
    const run = this.runs.begin(caller, parent.projectId);
    const out = await this.runs.execute(run, parent.loadBalancerId, () => ({
      type: 'CreateLbMember',
      data: { loadBalancerId: parent.loadBalancerId, poolId, member, at: this.runs.now() },
    }));
    return this.runs.written(run, out.state, 'octavia_members', MEMBER.title, id);
  }

  async updateMember(
    caller: OctaviaCaller,
    poolId: string,
    id: string,
    body: OctaviaBodyOf<'updateMember'>,
  ): Promise<Written<LbMemberResource>> {
    const parent = await this.memberParent(caller, poolId, id, 'os_load-balancer_api:member:put');
    const run = this.runs.begin(caller, parent.projectId);
    const out = await this.runs.execute(run, parent.loadBalancerId, () => ({
      type: 'UpdateLbMember',
      data: { loadBalancerId: parent.loadBalancerId, poolId, memberId: id, changes: memberChanges(body), at: this.runs.now() },
    }));
    return this.runs.written(run, out.state, 'octavia_members', MEMBER.title, id);
  }

  async deleteMember(caller: OctaviaCaller, poolId: string, id: string): Promise<Deleted> {
    const parent = await this.memberParent(caller, poolId, id, 'os_load-balancer_api:member:delete');
    return this.change(caller, parent, () => ({
      type: 'DeleteLbMember',
      data: { loadBalancerId: parent.loadBalancerId, poolId, memberId: id, at: this.runs.now() },
    }));
  }

  /** Octavia's batch update: new members get new ids; the aggregate matches them to existing ones by (address, protocol_port). */
  async replaceMembers(
    caller: OctaviaCaller,
    poolId: string,
    body: OctaviaBodyOf<'replaceMembers'>,
    additiveOnly: boolean,
  ): Promise<Deleted> {
    const parent = await this.parentOf(POOL, poolId, caller, 'os_load-balancer_api:member:put');
    const members = body.map((m) => memberConfig(this.runs.newId(), m));
    return this.change(caller, parent, () => ({
      type: 'ReplaceLbMembers',
      data: { loadBalancerId: parent.loadBalancerId, poolId, members, additiveOnly, at: this.runs.now() },
    }));
  }

  async createHealthMonitor(caller: OctaviaCaller, body: OctaviaBodyOf<'createHealthMonitor'>): Promise<Written<LbHealthMonitorResource>> {
    const parent = await this.parentOf(POOL, body.pool_id, caller, 'os_load-balancer_api:healthmonitor:post');
    const id = this.runs.newId();
    const { pool_id: poolId, project_id: _project, ...settings } = body;
    const monitor = monitorConfig(id, settings);
    const run = this.runs.begin(caller, parent.projectId);
    const out = await this.runs.execute(run, parent.loadBalancerId, () => ({
      type: 'CreateLbHealthMonitor',
      data: { loadBalancerId: parent.loadBalancerId, poolId, monitor, at: this.runs.now() },
    }));
    return this.runs.written(run, out.state, 'octavia_healthmonitors', MONITOR.title, id);
  }

  async updateHealthMonitor(
    caller: OctaviaCaller,
    id: string,
    body: OctaviaBodyOf<'updateHealthMonitor'>,
  ): Promise<Written<LbHealthMonitorResource>> {
    const parent = await this.monitorParent(caller, id, 'os_load-balancer_api:healthmonitor:put');
    const run = this.runs.begin(caller, parent.projectId);
    const out = await this.runs.execute(run, parent.loadBalancerId, () => ({
      type: 'UpdateLbHealthMonitor',
      data: { loadBalancerId: parent.loadBalancerId, monitorId: id, changes: monitorChanges(body), at: this.runs.now() },
    }));
    return this.runs.written(run, out.state, 'octavia_healthmonitors', MONITOR.title, id);
  }

  async deleteHealthMonitor(caller: OctaviaCaller, id: string): Promise<Deleted> {
    const parent = await this.monitorParent(caller, id, 'os_load-balancer_api:healthmonitor:delete');
    return this.change(caller, parent, () => ({
      type: 'DeleteLbHealthMonitor',
      data: { loadBalancerId: parent.loadBalancerId, monitorId: id, at: this.runs.now() },
    }));
  }

  private async change(caller: OctaviaCaller, parent: Parent, command: Parameters<OctaviaRuns['execute']>[2]): Promise<Deleted> {
    const run: CommandRun = this.runs.begin(caller, parent.projectId);
    await this.runs.execute(run, parent.loadBalancerId, command);
    return this.runs.done(run);
  }

  /** A create's load balancer: it exists (404), the caller may create in its project (403), the body's project_id is its own. */
  private async parentLoadBalancer(caller: OctaviaCaller, id: string, projectId: string | undefined, rule: PolicyRule): Promise<Parent> {
    const row = await this.reads.owned(LB, id, caller.principal, rule);
    if (projectId !== undefined && projectId !== row.project_id)
      throw new HttpError(
        400,
        'ValidationException',
        `Validation failure: project_id ${projectId} is not the project of Load Balancer ${id}.`,
      );
    return { loadBalancerId: id, projectId: String(row.project_id) };
  }

  /** A listener's or pool's load balancer, from its row. */
  private async parentOf(resource: OctaviaResource, id: string, caller: OctaviaCaller, rule: PolicyRule): Promise<Parent> {
    const row = await this.reads.owned(resource, id, caller.principal, rule);
    const loadBalancerId = loadBalancerIdOf(row);
    if (loadBalancerId === null) throw notFound(resource.title, id);
    return { loadBalancerId, projectId: String(row.project_id) };
  }

  private async memberParent(caller: OctaviaCaller, poolId: string, id: string, rule: PolicyRule): Promise<Parent> {
    await this.reads.member(poolId, id, caller.principal, rule);
    return this.parentOf(POOL, poolId, caller, rule);
  }

  private async monitorParent(caller: OctaviaCaller, id: string, rule: PolicyRule): Promise<Parent> {
    const row = await this.reads.owned(MONITOR, id, caller.principal, rule);
    const poolId = loadBalancerIdOf({ loadbalancers: row.pools });
    if (poolId === null) throw notFound(MONITOR.title, id);
    return this.parentOf(POOL, poolId, caller, rule);
  }
}
