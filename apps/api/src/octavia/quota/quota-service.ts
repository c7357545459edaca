import { Inject, Injectable } from '@nestjs/common';
import {
  Forbidden,
  QUOTA_RESOURCES,
  type QuotaCommand,
  quotaDecider,
  type QuotaLimits,
  type QuotaOverrides,
  type QuotaResource,
  type QuotaState,
  ValidationError,
} from '@lbaas/domain';
import { allows, type PolicyRule } from '@lbaas/identity';
import type { OctaviaCaller } from '../http/octavia-input';
import { octaviaListQuery, pageLinks } from '../http/octavia-query';
import type { OctaviaBodyOf } from '../http/octavia-schemas';
import { OCTAVIA_SHARED, type OctaviaShared } from '../octavia-shared';

/** Octavia's quota body: each limit, with the older names `load_balancer` and `health_monitor` beside the current ones. */
export function quotaBody(limits: QuotaLimits): Record<string, number> {
  return { ...limits, load_balancer: limits.loadbalancer, health_monitor: limits.healthmonitor };
}

/** The limits in force: the project's own over the deployment's defaults. */
export const effectiveLimits = (own: QuotaOverrides, defaults: QuotaLimits): QuotaLimits =>
  Object.fromEntries(QUOTA_RESOURCES.map((r) => [r, own[r] ?? defaults[r]])) as Record<QuotaResource, number>;

/** The body's limits, the older names taken when the current ones are absent (Octavia accepts both). */
export function limitsOf(body: OctaviaBodyOf<'updateQuota'>): Partial<Record<QuotaResource, number | null>> {
  const { load_balancer, health_monitor, ...current } = body;
  const limits: Partial<Record<QuotaResource, number | null>> = { ...current };
  if (limits.loadbalancer === undefined && load_balancer !== undefined) limits.loadbalancer = load_balancer;
  if (limits.healthmonitor === undefined && health_monitor !== undefined) limits.healthmonitor = health_monitor;
  if (Object.keys(limits).length === 0) throw new ValidationError('Invalid input: the quota sets no limit.', 'InvalidInput');
  return limits;
}

const PROJECT = /^[A-Za-z0-9_-]{1,64}$/;

/** `/v2/lbaas/quotas`: reads from the read model, writes on the project's quota stream. */
@Injectable()
export class QuotaService {
  constructor(@Inject(OCTAVIA_SHARED) private readonly shared: OctaviaShared) {}

  defaults(): { quota: Record<string, number> } {
    return { quota: quotaBody(this.shared.quotaDefaults) };
  }

  async list(caller: OctaviaCaller, url: URL): Promise<Record<string, unknown>> {
    const query = octaviaListQuery(url.searchParams);
    const everyProject = allows(caller.principal, 'os_load-balancer_api:quota:get_all-global');
    const sort = query.sort.some((s) => s.key === 'created_at') ? [{ key: 'project_id', dir: 'asc' as const }] : query.sort;
    const { items, ids, more } = await this.shared.queries.list('octavia_quotas', everyProject ? null : caller.principal.tenantId, {
      ...query,
      fields: [],
      sort,
    });
    const quotas = items.map((row) => ({
      project_id: String(row.project_id),
      tenant_id: String(row.project_id),
      ...quotaBody(effectiveLimits(overridesOf(row), this.shared.quotaDefaults)),
    }));
    return { quotas, quotas_links: pageLinks(url, query.page, ids, more) };
  }

  async show(caller: OctaviaCaller, projectId: string): Promise<{ quota: Record<string, number> }> {
    this.authorize(caller, projectId, 'os_load-balancer_api:quota:get_one');
    const row = await this.shared.queries.get('octavia_quotas', projectId);
    return { quota: quotaBody(effectiveLimits(row === null ? {} : overridesOf(row), this.shared.quotaDefaults)) };
  }

  async update(caller: OctaviaCaller, projectId: string, body: OctaviaBodyOf<'updateQuota'>): Promise<{ quota: Record<string, number> }> {
    this.authorize(caller, projectId, 'os_load-balancer_api:quota:put');
    const state = await this.execute(caller, projectId, { type: 'SetQuota', data: { projectId, limits: limitsOf(body) } });
    return { quota: quotaBody(effectiveLimits(state.kind === 'live' ? state.limits : {}, this.shared.quotaDefaults)) };
  }

  async reset(caller: OctaviaCaller, projectId: string): Promise<void> {
    this.authorize(caller, projectId, 'os_load-balancer_api:quota:delete');
    await this.execute(caller, projectId, { type: 'ResetQuota', data: { projectId } });
  }

  private authorize(caller: OctaviaCaller, projectId: string, rule: PolicyRule): void {
    if (!PROJECT.test(projectId))
      throw new ValidationError(`Invalid input: '${projectId.slice(0, 64)}' is not a project id.`, 'InvalidInput');
    if (!allows(caller.principal, rule, projectId)) throw new Forbidden(`${rule} for project ${projectId}`);
  }

  private async execute(caller: OctaviaCaller, projectId: string, command: QuotaCommand): Promise<QuotaState> {
    const run = this.shared.runs.begin({ ...caller.ctx, tenantId: projectId });
    const out = await run.execute(quotaDecider, projectId, () => command, { scoped: false });
    this.shared.progress.note(run.seq);
    return out.state;
  }
}

function overridesOf(row: Record<string, unknown>): QuotaOverrides {
  const own: Partial<Record<QuotaResource, number>> = {};
  for (const r of QUOTA_RESOURCES) if (typeof row[r] === 'number') own[r] = row[r];
  return own;
}
