import type { HealthMonitorResource, LbStatus, MemberResource, NodeResource, PoolResource, VipResource } from '@lbaas/domain';
import { activeConnections, type ChartSeries, polylinePoints, requestRate } from './chart-geometry.js';
import type { DashboardNode } from './dashboard-protocol.js';
import type { DashboardStore, ViewFilter } from './dashboard-store.js';
import { type Child, h, svg } from './dom-builder.js';
import { loadBalancersSection } from './load-balancer-view.js';
import { quotasSection, zonesSection } from './operator-view.js';

const CHART_WIDTH = 180;
const CHART_HEIGHT = 40;

/** A fixed class per status, so no data ever becomes a class name. */
function statusBadge(status: LbStatus | NodeResource['status'], description: string | null = null): HTMLElement {
  const tone: Record<string, string> = {
    ACTIVE: 'ok',
    UP: 'ok',
    PENDING_CREATE: 'pending',
    PENDING_UPDATE: 'pending',
    PENDING_DELETE: 'pending',
    INACTIVE: 'bad',
    ERROR: 'bad',
    LOST: 'bad',
    DOWN: 'off',
  };
  return h('span', { className: `status status-${tone[status] ?? 'unknown'}`, title: description ?? '' }, status);
}

const shortId = (id: string): HTMLElement => h('span', { className: 'id', title: id }, id.slice(0, 8));

/** A row or heading that opens the timeline of the object it shows. */
const objectProps = (id: string, className = 'object') => ({ className, data: { objectId: id }, attrs: { tabindex: '0' } });

function section(id: string, title: string, count: number, ...body: Child[]): HTMLElement {
  return h('section', { className: 'panel', attrs: { id } }, h('h2', {}, title, ' ', h('span', { className: 'count' }, count)), ...body);
}

function table(headings: readonly string[], rows: readonly HTMLTableRowElement[], empty: string): HTMLElement {
  if (rows.length === 0) return h('p', { className: 'none' }, empty);
  return h('table', {}, h('thead', {}, h('tr', {}, ...headings.map((heading) => h('th', {}, heading)))), h('tbody', {}, ...rows));
}

function vipRow(store: DashboardStore, vip: VipResource, admin: boolean): HTMLTableRowElement {
  const placements = store.placementsOf(vip.id);
  const floating = store
    .floatingIpsOf(vip)
    .map((fip) => fip.floating_ip_address)
    .join(', ');
  const pool = store.rows.pools.get(vip.pool_id);
  return h(
    'tr',
    { ...objectProps(vip.id, 'object vip'), data: { objectId: vip.id, vipName: vip.name } },
    h('td', {}, h('strong', {}, vip.name || '(no name)'), ' ', shortId(vip.id)),
    h('td', { className: 'address' }, `${vip.address}:${vip.protocol_port}`, ' ', h('span', { className: 'muted' }, vip.protocol)),
    h('td', { className: 'floating-ip' }, floating || '—'),
    h('td', {}, statusBadge(vip.status, vip.status_description)),
    h('td', {}, pool ? pool.name || shortId(pool.id) : shortId(vip.pool_id)),
    admin && h('td', { className: 'active-node' }, placements?.active ?? '—'),
    admin &&
      h(
        'td',
        { className: 'standby-node' },
        placements?.standby ?? '—',
        placements?.degraded ? h('span', { className: 'status status-bad' }, 'degraded') : null,
      ),
    admin && h('td', { className: 'tenant' }, vip.tenant_id),
  );
}

function chart(label: string, series: ChartSeries, unit: string): HTMLElement {
  const latest = series.latest === null ? 'no samples yet' : `${series.latest.toFixed(series.latest < 10 ? 1 : 0)}${unit}`;
  return h(
    'figure',
    { className: 'chart', data: { chart: label, points: String(series.values.length) } },
    svg(
      'svg',
      { viewBox: `0 0 ${CHART_WIDTH} ${CHART_HEIGHT}`, width: CHART_WIDTH, height: CHART_HEIGHT, role: 'img', 'aria-label': label },
      svg('rect', { x: 0, y: 0, width: CHART_WIDTH, height: CHART_HEIGHT, class: 'chart-frame' }),
      svg('polyline', { points: polylinePoints(series.values, CHART_WIDTH, CHART_HEIGHT), class: 'chart-line' }),
    ),
    h('figcaption', {}, `${label}: ${latest}`),
  );
}

function memberRow(member: MemberResource): HTMLTableRowElement {
  return h(
    'tr',
    { ...objectProps(member.id, 'object member'), data: { objectId: member.id, address: member.address } },
    h('td', { className: 'address' }, `${member.address}:${member.protocol_port}`),
    h('td', { className: 'weight' }, member.weight),
    h('td', { className: 'health' }, statusBadge(member.status, member.status_description)),
    h('td', {}, member.admin_state_up ? 'up' : 'down'),
  );
}

function poolCard(store: DashboardStore, pool: PoolResource, admin: boolean): HTMLElement {
  const vip = pool.vip_id ? store.rows.vips.get(pool.vip_id) : undefined;
  const points = store.stats.get(pool.id) ?? [];
  const monitors = store.monitorsOf(pool);
  return h(
    'article',
    { className: 'pool', data: { poolId: pool.id, poolName: pool.name } },
    h(
      'header',
      objectProps(pool.id),
      h('h3', {}, pool.name || '(no name)'),
      shortId(pool.id),
      ' ',
      h('span', { className: 'lb-method' }, pool.lb_method),
      ' ',
      h('span', { className: 'muted' }, pool.protocol),
      ' ',
      statusBadge(pool.status, pool.status_description),
      vip ? h('span', { className: 'muted' }, ` VIP ${vip.name || vip.id}`) : null,
      admin ? h('span', { className: 'tenant' }, ` tenant ${pool.tenant_id}`) : null,
    ),
    table(['Member', 'Weight', 'Health', 'Admin'], store.membersOf(pool.id).map(memberRow), 'No members.'),
    h(
      'p',
      { className: 'monitors' },
      'Health monitors: ',
      monitors.length === 0 ? 'none' : null,
      ...monitors.map((m) => h('span', objectProps(m.id, 'object monitor-chip'), `${m.type} every ${m.delay}s`)),
    ),
    h(
      'div',
      { className: 'charts' },
      chart('Requests', requestRate(points), '/s'),
      chart('Active connections', activeConnections(points), ''),
    ),
  );
}

function monitorRow(store: DashboardStore, monitor: HealthMonitorResource, admin: boolean): HTMLTableRowElement {
  const http =
    monitor.type === 'HTTP' || monitor.type === 'HTTPS' ? `${monitor.http_method} ${monitor.url_path} → ${monitor.expected_codes}` : '—';
  const pools = monitor.pools.map((p) => store.rows.pools.get(p.pool_id)?.name || p.pool_id.slice(0, 8)).join(', ');
  return h(
    'tr',
    objectProps(monitor.id, 'object monitor'),
    h('td', {}, h('strong', {}, monitor.type), ' ', shortId(monitor.id)),
    h('td', {}, `${monitor.delay}s / ${monitor.timeout}s / ${monitor.max_retries}`),
    h('td', {}, http),
    h('td', {}, pools || '—'),
    h('td', {}, statusBadge(monitor.status, monitor.status_description)),
    admin && h('td', { className: 'tenant' }, monitor.tenant_id),
  );
}

function nodeRow(node: DashboardNode, load: { active: number; standby: number } | undefined): HTMLTableRowElement {
  return h(
    'tr',
    { ...objectProps(node.id, 'object node'), data: { objectId: node.id, node: node.id } },
    h('td', {}, h('strong', {}, node.name)),
    h('td', { className: 'zone' }, node.zone ?? '—'),
    h('td', { className: 'liveness' }, statusBadge(node.status, node.status_description), ' ', node.status_description ?? ''),
    h('td', { className: 'load-active' }, load?.active ?? 0),
    h('td', { className: 'load-standby' }, load?.standby ?? 0),
  );
}

/** Every section of the page for what the store holds, narrowed by the filter. */
export function renderDashboard(store: DashboardStore, filter: ViewFilter): HTMLElement[] {
  const admin = store.viewer?.admin ?? false;
  const view = store.filtered(filter);
  const searching = filter.search.trim() !== '';
  const nothing =
    view.vips.length === 0 &&
    view.pools.length === 0 &&
    view.monitors.length === 0 &&
    view.loadBalancers.length === 0 &&
    (!admin || view.nodes.length === 0);
  const sections: HTMLElement[] = [];
  if (nothing) {
    sections.push(
      h(
        'div',
        { className: 'empty-state', attrs: { id: 'empty-state', role: 'status' } },
        searching
          ? `Nothing matches “${filter.search.trim()}”.`
          : 'No load balancers here yet: VIPs, pools, health monitors and v2 load balancers appear as soon as they are created.',
      ),
    );
  }
  sections.push(
    section(
      'vips',
      'VIPs',
      view.vips.length,
      table(
        ['VIP', 'Address', 'Floating IP', 'Status', 'Pool', ...(admin ? ['Active node', 'Standby node', 'Tenant'] : [])],
        view.vips.map((vip) => vipRow(store, vip, admin)),
        'No VIPs.',
      ),
    ),
  );
  sections.push(
    section(
      'pools',
      'Pools',
      view.pools.length,
      view.pools.length === 0
        ? h('p', { className: 'none' }, 'No pools.')
        : h('div', { className: 'pool-grid' }, ...view.pools.map((pool) => poolCard(store, pool, admin))),
    ),
  );
  sections.push(loadBalancersSection(store, view.loadBalancers, admin));
  sections.push(quotasSection(store, filter));
  sections.push(
    section(
      'monitors',
      'Health monitors',
      view.monitors.length,
      table(
        ['Monitor', 'Delay / timeout / retries', 'HTTP check', 'Pools', 'Status', ...(admin ? ['Tenant'] : [])],
        view.monitors.map((monitor) => monitorRow(store, monitor, admin)),
        'No health monitors.',
      ),
    ),
  );
  if (admin) {
    const loads = store.nodeLoads();
    sections.push(
      section(
        'nodes',
        'Compute nodes',
        view.nodes.length,
        table(
          ['Node', 'Zone', 'Liveness', 'Active placements', 'Standby placements'],
          view.nodes.map((node) => nodeRow(node, loads.get(node.id))),
          'No compute nodes have registered.',
        ),
      ),
    );
    sections.push(zonesSection(store, view));
  }
  return sections;
}
