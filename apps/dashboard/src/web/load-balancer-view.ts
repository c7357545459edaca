import type {
  AmphoraResource,
  LbMemberResource,
  LbPoolResource,
  ListenerResource,
  LoadBalancerResource,
  OperatingStatus,
  ProvisioningStatus,
} from '@lbaas/domain';
import type { DashboardStore } from './dashboard-store.js';
import { h } from './dom-builder.js';

/** A fixed class per status, so no data ever becomes a class name. */
const TONE: Readonly<Record<ProvisioningStatus | OperatingStatus | AmphoraResource['status'], string>> = {
  ACTIVE: 'ok',
  ONLINE: 'ok',
  ALLOCATED: 'ok',
  READY: 'ok',
  PENDING_CREATE: 'pending',
  PENDING_UPDATE: 'pending',
  PENDING_DELETE: 'pending',
  BOOTING: 'pending',
  DRAINING: 'pending',
  DEGRADED: 'bad',
  ERROR: 'bad',
  OFFLINE: 'off',
  NO_MONITOR: 'off',
  DELETED: 'off',
};

function badge(status: ProvisioningStatus | OperatingStatus | AmphoraResource['status'], title = ''): HTMLElement {
  return h('span', { className: `status status-${TONE[status] ?? 'unknown'}`, title }, status);
}

/** Provisioning, then operating status, as Octavia lists them. */
const statuses = (o: { provisioning_status: ProvisioningStatus; operating_status: OperatingStatus }): HTMLElement =>
  h('span', { className: 'statuses' }, badge(o.provisioning_status, 'provisioning'), ' ', badge(o.operating_status, 'operating'));

const shortId = (id: string): HTMLElement => h('span', { className: 'id', title: id }, id.slice(0, 8));
const objectProps = (id: string, className: string) => ({ className, data: { objectId: id }, attrs: { tabindex: '0' } });

function table(headings: readonly string[], rows: readonly HTMLTableRowElement[], empty: string): HTMLElement {
  if (rows.length === 0) return h('p', { className: 'none' }, empty);
  return h('table', {}, h('thead', {}, h('tr', {}, ...headings.map((heading) => h('th', {}, heading)))), h('tbody', {}, ...rows));
}

function listenerRow(store: DashboardStore, listener: ListenerResource): HTMLTableRowElement {
  const pool = listener.default_pool_id === null ? undefined : store.rows.octavia_pools.get(listener.default_pool_id);
  return h(
    'tr',
    { ...objectProps(listener.id, 'object listener'), data: { objectId: listener.id, protocolPort: String(listener.protocol_port) } },
    h('td', {}, h('strong', {}, `${listener.protocol}:${listener.protocol_port}`), ' ', listener.name, ' ', shortId(listener.id)),
    h('td', {}, pool ? pool.name || shortId(pool.id) : '—'),
    h('td', {}, statuses(listener)),
  );
}

function memberRow(member: LbMemberResource): HTMLTableRowElement {
  return h(
    'tr',
    { ...objectProps(member.id, 'object lb-member'), data: { objectId: member.id, address: member.address } },
    h('td', { className: 'address' }, `${member.address}:${member.protocol_port}`, member.backup ? ' (backup)' : ''),
    h('td', { className: 'weight' }, member.weight),
    h('td', { className: 'health' }, statuses(member)),
  );
}

function poolBlock(store: DashboardStore, pool: LbPoolResource): HTMLElement {
  const monitor = store.lbMonitorOf(pool);
  return h(
    'div',
    { className: 'lb-pool', data: { poolId: pool.id } },
    h(
      'h4',
      objectProps(pool.id, 'object'),
      pool.name || '(no name)',
      ' ',
      shortId(pool.id),
      ' ',
      h('span', { className: 'lb-method' }, pool.lb_algorithm),
      ' ',
      h('span', { className: 'muted' }, pool.protocol),
      ' ',
      statuses(pool),
      monitor ? h('span', objectProps(monitor.id, 'object monitor-chip'), `${monitor.type} every ${monitor.delay}s`) : null,
    ),
    table(['Member', 'Weight', 'Status'], store.lbMembersOf(pool.id).map(memberRow), 'No members.'),
  );
}

function amphoraeLine(amphorae: readonly AmphoraResource[]): HTMLElement {
  return h(
    'p',
    { className: 'amphorae' },
    'Amphorae: ',
    amphorae.length === 0 ? 'none placed' : null,
    ...amphorae.map((a) =>
      h(
        'span',
        { className: 'amphora', data: { role: a.role, node: a.compute_id } },
        `${a.role} on ${a.compute_id} `,
        badge(a.status),
        ' ',
      ),
    ),
  );
}

function loadBalancerCard(store: DashboardStore, lb: LoadBalancerResource, admin: boolean): HTMLElement {
  return h(
    'article',
    { className: 'pool loadbalancer', data: { loadBalancerId: lb.id, loadBalancerName: lb.name } },
    h(
      'header',
      objectProps(lb.id, 'object'),
      h('h3', {}, lb.name || '(no name)'),
      shortId(lb.id),
      ' ',
      h('span', { className: 'address' }, lb.vip_address),
      ' ',
      statuses(lb),
      admin ? h('span', { className: 'tenant' }, ` project ${lb.project_id}`) : null,
    ),
    table(
      ['Listener', 'Default pool', 'Status'],
      store.listenersOf(lb).map((l) => listenerRow(store, l)),
      'No listeners.',
    ),
    ...store.lbPoolsOf(lb).map((pool) => poolBlock(store, pool)),
    admin ? amphoraeLine(store.amphoraeOf(lb.id)) : null,
  );
}

/** Octavia v2 load balancers, each with its listeners, pools, members and (administrators) amphorae. */
export function loadBalancersSection(store: DashboardStore, loadBalancers: readonly LoadBalancerResource[], admin: boolean): HTMLElement {
  return h(
    'section',
    { className: 'panel', attrs: { id: 'loadbalancers' } },
    h('h2', {}, 'Load balancers (v2)', ' ', h('span', { className: 'count' }, loadBalancers.length)),
    loadBalancers.length === 0
      ? h('p', { className: 'none' }, 'No load balancers.')
      : h('div', { className: 'pool-grid' }, ...loadBalancers.map((lb) => loadBalancerCard(store, lb, admin))),
  );
}
