import type { AmphoraResource, LoadBalancerResource, ProjectQuotaResource } from '@lbaas/domain';
import type { DashboardAvailabilityZone, DashboardNode, QuotaDefault, Viewer } from './dashboard-protocol';
import { projectQuotas, zonesOverview } from './operator-model';

const DEFAULTS: QuotaDefault[] = [
  { resource: 'loadbalancer', title: 'Load Balancer', limit: 3 },
  { resource: 'listener', title: 'Listener', limit: -1 },
  { resource: 'member', title: 'Member', limit: 0 },
];
const ADMIN: Viewer = { actor: 'admin', name: 'admin', tenantId: 'p-admin', admin: true };
const TENANT: Viewer = { actor: 'demo', name: 'demo', tenantId: 'p-demo', admin: false };
const NOTHING_USED = { loadbalancer: 0, listener: 0, pool: 0, member: 0, healthmonitor: 0, l7policy: 0, l7rule: 0 };

const quota = (
  project: string,
  own: Partial<ProjectQuotaResource>,
  used: Partial<ProjectQuotaResource['in_use']>,
): ProjectQuotaResource => ({
  id: project,
  project_id: project,
  tenant_id: project,
  loadbalancer: null,
  listener: null,
  pool: null,
  member: null,
  healthmonitor: null,
  l7policy: null,
  l7rule: null,
  ...own,
  in_use: { ...NOTHING_USED, ...used },
});

/** [resource, usage, limit, own, full] of each line. */
const lines = (q: { lines: readonly { resource: string; usage: number; limit: number; own: boolean; full: boolean }[] }) =>
  q.lines.map((l) => [l.resource, l.usage, l.limit, l.own, l.full]);

describe('projectQuotas', () => {
  const rows = [quota('p-demo', { loadbalancer: 1 }, { loadbalancer: 1, listener: 4 }), quota('p-alt', { member: 10 }, { member: 2 })];

  it("puts each project's own limits over the defaults, with usage, full where usage reached the limit", () => {
    const all = projectQuotas(rows, DEFAULTS, ADMIN, null);
    expect(all.map((q) => q.projectId)).toEqual(['p-alt', 'p-demo']);
    expect(lines(all[1])).toEqual([
      ['loadbalancer', 1, 1, true, true],
      ['listener', 4, -1, false, false],
      // A default limit of 0 allows none: full with nothing used.
      ['member', 0, 0, false, true],
    ]);
    expect(lines(all[0])).toEqual([
      ['loadbalancer', 0, 3, false, false],
      ['listener', 0, -1, false, false],
      ['member', 2, 10, true, false],
    ]);
  });

  it("narrows to the picked tenant, and to a tenant's own project", () => {
    expect(projectQuotas(rows, DEFAULTS, ADMIN, 'p-alt').map((q) => q.projectId)).toEqual(['p-alt']);
    expect(projectQuotas(rows, DEFAULTS, TENANT, null).map((q) => q.projectId)).toEqual(['p-demo']);
  });

  it('shows the defaults and nothing used for a project the log holds no quota of', () => {
    const [fresh] = projectQuotas(rows, DEFAULTS, { ...TENANT, tenantId: 'p-new' }, null);
    expect(fresh.projectId).toBe('p-new');
    expect(lines(fresh)).toEqual([
      ['loadbalancer', 0, 3, false, false],
      ['listener', 0, -1, false, false],
      ['member', 0, 0, false, true],
    ]);
    expect(projectQuotas([], DEFAULTS, ADMIN, null)).toEqual([]);
  });
});

describe('zonesOverview', () => {
  const node = (id: string, zone: string | null, status: DashboardNode['status'] = 'UP'): DashboardNode => ({
    id,
    name: id,
    status,
    status_description: null,
    zone,
  });
  const zone = (name: string, computeZone: string, enabled = true): DashboardAvailabilityZone => ({
    id: name,
    name,
    description: '',
    availability_zone_profile_id: `profile-${name}`,
    enabled,
    compute_zone: computeZone,
  });
  const lb = (id: string, name: string, availabilityZone: string | null) =>
    ({ id, name, availability_zone: availabilityZone, provisioning_status: 'ACTIVE' }) as LoadBalancerResource;
  const amphora = (id: string, loadBalancerId: string, node: string) =>
    ({ id, loadbalancer_id: loadBalancerId, compute_id: node }) as AmphoraResource;

  const nodes = [node('n3', 'rack-2'), node('n1', 'rack-1'), node('n2', 'rack-1', 'LOST'), node('n4', null), node('n5', 'rack-9')];
  const zones = [zone('az-2', 'rack-2', false), zone('az-1', 'rack-1')];
  const loadBalancers = [lb('lb-b', 'web', 'az-1'), lb('lb-a', 'api', 'az-1'), lb('lb-c', 'free', null)];
  const amphorae = [amphora('a1', 'lb-b', 'n2'), amphora('a2', 'lb-b', 'n1'), amphora('a3', 'lb-a', 'n1'), amphora('a4', 'lb-c', 'n4')];

  it("lists each zone by name with the nodes of its compute zone and its load balancers' amphora nodes", () => {
    const { zones: summaries } = zonesOverview(zones, nodes, loadBalancers, amphorae);
    expect(summaries.map((s) => [s.zone.name, s.zone.enabled, s.nodes.map((n) => [n.id, n.status])])).toEqual([
      [
        'az-1',
        true,
        [
          ['n1', 'UP'],
          ['n2', 'LOST'],
        ],
      ],
      ['az-2', false, [['n3', 'UP']]],
    ]);
    expect(summaries[0].loadBalancers.map((p) => [p.loadBalancer.name, p.nodes])).toEqual([
      ['api', ['n1']],
      ['web', ['n1', 'n2']],
    ]);
    expect(summaries[1].loadBalancers).toEqual([]);
  });

  it('gathers the nodes no zone names: without a zone, or in a compute zone no availability zone uses', () => {
    expect(zonesOverview(zones, nodes, loadBalancers, amphorae).otherNodes.map((n) => n.id)).toEqual(['n4', 'n5']);
    expect(zonesOverview([], nodes, [], []).otherNodes.map((n) => n.id)).toEqual(['n1', 'n2', 'n3', 'n4', 'n5']);
  });

  it('shows a zone that no node declares yet with no nodes', () => {
    const [summary] = zonesOverview([zone('az-new', 'rack-new')], nodes, [], []).zones;
    expect(summary.nodes).toEqual([]);
  });
});
