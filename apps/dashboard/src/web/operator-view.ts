import type { DashboardNode } from './dashboard-protocol.js';
import type { DashboardStore, FilteredView, ViewFilter } from './dashboard-store.js';
import { h } from './dom-builder.js';
import { type ProjectQuota, projectQuotas, type QuotaLine, type ZoneSummary, zonesOverview } from './operator-model.js';

const limitText = (limit: number): string => (limit === -1 ? '∞' : String(limit));

function quotaCell(line: QuotaLine): HTMLTableCellElement {
  const source = line.own ? "the project's own limit" : "the deployment's default";
  return h(
    'td',
    {
      className: `quota${line.full ? ' quota-full' : ''}${line.own ? '' : ' quota-default'}`,
      data: { resource: line.resource, usage: String(line.usage), limit: String(line.limit) },
      title: `${line.title}: ${line.usage} used of ${line.limit === -1 ? 'no limit' : line.limit} (${source})`,
    },
    `${line.usage} / ${limitText(line.limit)}`,
  );
}

function quotaRow(quota: ProjectQuota): HTMLTableRowElement {
  return h(
    'tr',
    { className: 'project-quota', data: { project: quota.projectId } },
    h('td', { className: 'tenant' }, quota.projectId),
    ...quota.lines.map(quotaCell),
  );
}

/** Each project's quota: used / limit per resource; a default limit is muted, a full one red. */
export function quotasSection(store: DashboardStore, filter: ViewFilter): HTMLElement {
  const quotas = projectQuotas(store.rows.octavia_quotas.values(), store.quotaDefaults, store.viewer, filter.tenant);
  return h(
    'section',
    { className: 'panel', attrs: { id: 'quotas' } },
    h('h2', {}, 'Quotas (v2)', ' ', h('span', { className: 'count' }, quotas.length)),
    quotas.length === 0
      ? h('p', { className: 'none' }, 'No project has set a quota or created a v2 object yet.')
      : h(
          'table',
          {},
          h('thead', {}, h('tr', {}, h('th', {}, 'Project'), ...store.quotaDefaults.map((d) => h('th', {}, d.title)))),
          h('tbody', {}, ...quotas.map(quotaRow)),
        ),
    h('p', { className: 'muted' }, 'used / limit; ∞ is no limit; grey limits are the defaults (LBAAS_QUOTA_*).'),
  );
}

function nodeChip(node: DashboardNode): HTMLElement {
  const tone = node.status === 'UP' ? 'ok' : 'bad';
  return h(
    'span',
    { className: 'object zone-node', data: { node: node.id, objectId: node.id }, attrs: { tabindex: '0' } },
    node.name,
    ' ',
    h('span', { className: `status status-${tone}`, title: node.status_description ?? '' }, node.status),
    ' ',
  );
}

function zoneCard(summary: ZoneSummary): HTMLElement {
  const { zone } = summary;
  return h(
    'article',
    { className: 'pool zone', data: { zone: zone.name } },
    h(
      'header',
      {},
      h('h3', {}, zone.name),
      h('span', { className: `status status-${zone.enabled ? 'ok' : 'off'}` }, zone.enabled ? 'enabled' : 'disabled'),
      ' ',
      h('span', { className: 'muted compute-zone' }, `compute zone ${zone.compute_zone}`),
      zone.description ? h('span', { className: 'muted' }, ` ${zone.description}`) : null,
    ),
    h('p', { className: 'zone-nodes' }, 'Nodes: ', summary.nodes.length === 0 ? 'none declares it' : null, ...summary.nodes.map(nodeChip)),
    summary.loadBalancers.length === 0
      ? h('p', { className: 'none' }, 'No load balancers in this zone.')
      : h(
          'table',
          {},
          h('thead', {}, h('tr', {}, h('th', {}, 'Load balancer'), h('th', {}, 'Status'), h('th', {}, 'Amphorae on'))),
          h(
            'tbody',
            {},
            ...summary.loadBalancers.map(({ loadBalancer: lb, nodes }) =>
              h(
                'tr',
                { className: 'object zone-loadbalancer', data: { objectId: lb.id, loadBalancerName: lb.name }, attrs: { tabindex: '0' } },
                h('td', {}, h('strong', {}, lb.name || '(no name)'), ' ', h('span', { className: 'id', title: lb.id }, lb.id.slice(0, 8))),
                h('td', {}, lb.provisioning_status),
                h('td', { className: 'amphora-nodes' }, nodes.join(', ') || '—'),
              ),
            ),
          ),
        ),
  );
}

/** Administrators: each availability zone, the nodes that declare its compute zone and the load balancers placed in it. */
export function zonesSection(store: DashboardStore, view: FilteredView): HTMLElement {
  const overview = zonesOverview(store.rows.availability_zones.values(), view.nodes, view.loadBalancers, store.rows.amphorae.values());
  return h(
    'section',
    { className: 'panel', attrs: { id: 'zones' } },
    h('h2', {}, 'Availability zones', ' ', h('span', { className: 'count' }, overview.zones.length)),
    overview.zones.length === 0
      ? h('p', { className: 'none' }, 'No availability zones: every load balancer may go to any node.')
      : h('div', { className: 'pool-grid' }, ...overview.zones.map(zoneCard)),
    h(
      'p',
      { className: 'zone-nodes other-nodes' },
      'Nodes in no availability zone: ',
      overview.otherNodes.length === 0 ? 'none' : null,
      ...overview.otherNodes
        .map((node) => [nodeChip(node), node.zone ? h('span', { className: 'muted' }, `(${node.zone}) `) : null])
        .flat(),
    ),
  );
}
