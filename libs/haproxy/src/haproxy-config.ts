import { checkHaproxyInput } from './config-input-checks';
import type { HaproxyInput, RenderedMonitor } from './model';
import { expectedCodesRegex } from './status-code-regex';

const BALANCE = { ROUND_ROBIN: 'roundrobin', LEAST_CONNECTIONS: 'leastconn', SOURCE_IP: 'source' } as const;

/**
 * HAProxy runs one health check per server, so of several monitors on a pool the first enabled
 * one by id decides; the choice is stable, so the file does not change with association order.
 */
export function effectiveMonitor(monitors: readonly RenderedMonitor[]): RenderedMonitor | null {
  return [...monitors].filter((m) => m.adminStateUp).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))[0] ?? null;
}

/**
 * haproxy.cfg of one placement, after ARCHITECTURE.md section 6 (the neutron-lbaas HAProxy
 * driver's mapping and the seed's generated file). Deterministic: the same input gives the
 * same bytes, so an unchanged content hash means nothing to apply. Throws InvalidRenderInput
 * before producing any text when a value is not of the shape the file allows.
 */
export function renderHaproxyConfig(input: HaproxyInput): string {
  checkHaproxyInput(input);
  const { vip, pool, stats } = input;
  const monitor = effectiveMonitor(input.monitors);
  // HTTPS without termination is passed through as TCP (Neutron's meaning of an HTTPS VIP).
  const mode = vip.protocol === 'HTTP' ? 'http' : 'tcp';
  const lines: string[] = [`# haproxy.cfg of service instance ${input.instanceId}, rendered by lbaas; do not edit`];
  const section = (header: string, body: (string | false)[]) => {
    lines.push(header, ...body.filter((l): l is string => l !== false).map((l) => `    ${l}`));
  };

  section('global', [
    'master-worker',
    'user nobody',
    'group nogroup',
    `pidfile ${input.runDir}/haproxy.pid`,
    `stats socket ${input.runDir}/haproxy.sock mode 600 level admin expose-fd listeners`,
    monitor?.type === 'PING' && 'external-check',
    monitor?.type === 'PING' && 'insecure-fork-wanted',
  ]);
  section('defaults', ['log global', 'retries 3', 'option redispatch', 'timeout connect 5000', 'timeout client 50000', 'timeout server 50000']);
  section('listen stats', [`bind ${stats.address}:${stats.port}`, 'mode http', 'stats enable', 'stats uri /', `stats auth ${stats.user}:${stats.password}`]);
  section(`frontend ${vip.id}`, [
    `bind ${vip.address}:${vip.protocolPort}`,
    `mode ${mode}`,
    mode === 'http' && 'option forwardfor',
    vip.connectionLimit > 0 && `maxconn ${vip.connectionLimit}`,
    !vip.adminStateUp && 'disabled',
    `default_backend ${pool.id}`,
  ]);

  const persistence = vip.sessionPersistence;
  const cookies = mode === 'http' && persistence?.type === 'HTTP_COOKIE';
  const backend: (string | false)[] = [`mode ${mode}`, `balance ${BALANCE[pool.lbMethod]}`, !pool.adminStateUp && 'disabled'];
  if (persistence?.type === 'SOURCE_IP') backend.push('stick-table type ip size 10k', 'stick on src');
  else if (persistence && mode !== 'http') backend.push(`# ${persistence.type} persistence needs HTTP; a ${vip.protocol} VIP cannot read cookies`);
  else if (persistence?.type === 'HTTP_COOKIE') backend.push('cookie SRV insert indirect nocache');
  else if (persistence?.type === 'APP_COOKIE') {
    backend.push('stick-table type string len 64 size 10k', `stick store-response res.cook(${persistence.cookieName})`, `stick match req.cook(${persistence.cookieName})`);
  }
  if (monitor) {
    backend.push(`timeout check ${monitor.timeout}s`);
    if (monitor.type === 'HTTP' || monitor.type === 'HTTPS') {
      backend.push(`option httpchk ${monitor.httpMethod} ${monitor.urlPath}`, `http-check expect rstatus ${expectedCodesRegex(monitor.expectedCodes)}`);
    } else if (monitor.type === 'PING') {
      backend.push('option external-check', `external-check command ${input.pingCheckCommand}`);
    }
  }
  const members = [...input.members].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const m of members) {
    const server = [`server ${m.id} ${m.address}:${m.protocolPort} weight ${m.weight}`];
    if (monitor) server.push(`check inter ${monitor.delay}s fall ${monitor.maxRetries} rise ${monitor.maxRetries}`);
    if (monitor?.type === 'HTTPS') server.push('check-ssl verify none');
    if (cookies) server.push(`cookie ${m.id}`);
    if (!m.adminStateUp) server.push('disabled');
    backend.push(server.join(' '));
  }
  section(`backend ${pool.id}`, backend);
  return `${lines.join('\n')}\n`;
}
