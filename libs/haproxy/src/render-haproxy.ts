import { expectedCodesRegex } from './expected-codes';
import type { HaproxyInput, RenderedMember, RenderedMonitor } from './model';
import { tlsCertificatePath } from './tls';
import { InvalidRenderInput, validateHaproxyInput } from './validate';

const BALANCE = { ROUND_ROBIN: 'roundrobin', LEAST_CONNECTIONS: 'leastconn', SOURCE_IP: 'source' } as const;

const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The monitor that checks the pool's servers. HAProxy runs one health check per server, so of
 * several monitors on a pool the first enabled one by id decides; sorting makes the choice, and
 * the file, independent of the order the monitors were associated in.
 */
export function effectiveMonitor(monitors: readonly RenderedMonitor[]): RenderedMonitor | null {
  return monitors.filter((m) => m.adminStateUp).sort(byId)[0] ?? null;
}

type Lines = (string | false)[];
const section = (header: string, body: Lines): string[] => [header, ...body.filter((l): l is string => l !== false).map((l) => `    ${l}`)];

/**
 * The same placement run another way than in its own namespace: the process driver runs it on
 * the loopback image of the fabric (libs/dataplane loopback-config), from the input the bundle
 * keeps, so no driver edits rendered text.
 */
export interface HaproxyVariant {
  /** A first line saying how this file differs from the rendered one (so a new variant is a new file, and hash). */
  readonly comment: string;
  /** Runs as whoever starts it: no `user` and `group`, which only root can switch to. */
  readonly asInvokingUser: boolean;
  /** Where the frontend listens instead of the VIP's address and port; `X-Forwarded-Port` still says the VIP's port. */
  readonly binds: readonly { readonly address: string; readonly port: number }[];
}

const COMMENT = /^[ -~]{0,200}$/;
const IPV4 = /^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$/;

function validateVariant(v: HaproxyVariant): void {
  if (!COMMENT.test(v.comment)) throw new InvalidRenderInput('variant.comment', 'must be at most 200 printable ASCII characters');
  if (v.binds.length === 0) throw new InvalidRenderInput('variant.binds', 'must name at least one address');
  v.binds.forEach((b, i) => {
    if (typeof b.address !== 'string' || !IPV4.test(b.address))
      throw new InvalidRenderInput(`variant.binds[${i}].address`, 'must be a dotted-quad IPv4 address');
    if (!Number.isInteger(b.port) || b.port < 1 || b.port > 65535)
      throw new InvalidRenderInput(`variant.binds[${i}].port`, 'must be an integer from 1 to 65535');
  });
}

function globalSection(input: HaproxyInput, monitor: RenderedMonitor | null, asInvokingUser: boolean): string[] {
  const ping = monitor?.type === 'PING';
  return section('global', [
    'master-worker',
    !asInvokingUser && 'user nobody',
    !asInvokingUser && 'group nogroup',
    // The agent reads stdout; notice and above carries server state changes, not one line per request.
    'log stdout format raw local0 notice',
    `pidfile ${input.runDir}/haproxy.pid`,
    `stats socket ${input.runDir}/haproxy.sock mode 600 level admin expose-fd listeners`,
    // An external check forks a process per check; HAProxy 2.6 allows that only with both lines.
    ping && 'external-check',
    ping && 'insecure-fork-wanted',
  ]);
}

function backendSection(input: HaproxyInput, mode: 'http' | 'tcp', monitor: RenderedMonitor | null): string[] {
  const { vip, pool } = input;
  const persistence = vip.sessionPersistence;
  const cookieServers = mode === 'http' && persistence?.type === 'HTTP_COOKIE';
  const lines: Lines = [`mode ${mode}`, `balance ${BALANCE[pool.lbMethod]}`, !pool.adminStateUp && 'disabled'];
  if (persistence?.type === 'SOURCE_IP') {
    lines.push('stick-table type ip size 10k', 'stick on src');
  } else if (persistence && mode === 'tcp') {
    lines.push(
      `# no ${persistence.type} persistence: VIP protocol ${vip.protocol} is proxied in tcp mode, where HAProxy cannot see cookies`,
    );
  } else if (persistence?.type === 'HTTP_COOKIE') {
    lines.push('cookie SRV insert indirect nocache');
  } else if (persistence?.type === 'APP_COOKIE') {
    const name = persistence.cookieName;
    lines.push('stick-table type string len 64 size 10k', `stick store-response res.cook(${name})`, `stick match req.cook(${name})`);
  }
  if (monitor) {
    lines.push(`timeout check ${monitor.timeout}s`);
    if (monitor.type === 'HTTP' || monitor.type === 'HTTPS') {
      lines.push(
        `option httpchk ${monitor.httpMethod} ${monitor.urlPath}`,
        `http-check expect rstatus ${expectedCodesRegex(monitor.expectedCodes)}`,
      );
    } else if (monitor.type === 'PING') {
      lines.push('option external-check', `external-check command ${input.pingCheckCommand}`);
    }
  }
  const server = (m: RenderedMember): string =>
    [
      `server ${m.id} ${m.address}:${m.protocolPort} weight ${m.weight}`,
      // rise as fall, as Octavia does: a server comes back after as many good checks as took it out.
      monitor && `check inter ${monitor.delay}s fall ${monitor.maxRetries} rise ${monitor.maxRetries}`,
      monitor?.type === 'HTTPS' && 'check-ssl verify none',
      cookieServers && `cookie ${m.id}`,
      !m.adminStateUp && 'disabled',
    ]
      .filter((part): part is string => typeof part === 'string')
      .join(' ');
  lines.push(...[...input.members].sort(byId).map(server));
  return section(`backend ${pool.id}`, lines);
}

/**
 * haproxy.cfg of one placement for HAProxy 2.6, after ARCHITECTURE.md section 6 (the
 * neutron-lbaas HAProxy driver's mapping). Deterministic: the same input gives the same bytes,
 * so an unchanged content hash means nothing to apply. Only ids, numbers, addresses and strictly
 * validated values reach the text; names and descriptions are not even part of the input.
 * Throws InvalidRenderInput, before producing any text, when a value is not of the shape the
 * file allows.
 */
export function renderHaproxyConfig(input: HaproxyInput, variant?: HaproxyVariant): string {
  validateHaproxyInput(input);
  if (variant) validateVariant(variant);
  const { vip, pool, stats } = input;
  const monitor = effectiveMonitor(input.monitors);
  // Neutron's HTTPS VIP is not terminated here: its bytes pass through in tcp mode. An HTTP VIP
  // with a certificate is terminated: HAProxy speaks TLS to the client and plain HTTP behind.
  const mode = vip.protocol === 'HTTP' ? 'http' : 'tcp';
  const tls = vip.tls;
  const ssl = tls === null ? '' : ` ssl crt ${tlsCertificatePath(input.runDir, tls.certificateId, tls.fingerprint)} alpn h2,http/1.1`;
  const binds = variant?.binds ?? [{ address: vip.address, port: vip.protocolPort }];
  const lines = [
    ...(variant ? [`# ${variant.comment}`] : []),
    `# haproxy.cfg of service instance ${input.instanceId}, rendered by lbaas; do not edit`,
    ...globalSection(input, monitor, variant?.asInvokingUser ?? false),
    ...section('defaults', [
      'log global',
      'retries 3',
      'option redispatch',
      'timeout connect 5000',
      'timeout client 50000',
      'timeout server 50000',
    ]),
    ...section('listen stats', [
      `bind ${stats.address}:${stats.port}`,
      'mode http',
      'stats enable',
      'stats uri /',
      `stats auth ${stats.user}:${stats.password}`,
    ]),
    ...section(`frontend ${vip.id}`, [
      ...binds.map((b) => `bind ${b.address}:${b.port}${ssl}`),
      `mode ${mode}`,
      mode === 'http' && 'option forwardfor',
      // set, not add: a client's own X-Forwarded-Proto must not reach the members.
      tls !== null && 'http-request set-header X-Forwarded-Proto https',
      tls !== null && `http-request set-header X-Forwarded-Port ${vip.protocolPort}`,
      vip.connectionLimit > 0 && `maxconn ${vip.connectionLimit}`,
      !vip.adminStateUp && 'disabled',
      `default_backend ${pool.id}`,
    ]),
    ...backendSection(input, mode, monitor),
  ];
  return `${lines.join('\n')}\n`;
}
