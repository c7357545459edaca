import { expectedCodesRegex } from './expected-codes';
import type { HaproxyInput, RenderedBackend, RenderedFrontend, RenderedMember, RenderedMonitor } from './model';
import { allowedCidrLines, bindTlsOptions, clientCertificateHeaderLines, l7Lines, serverTlsOptions } from './render-l7';
import { InvalidRenderInput, validateHaproxyInput } from './validate';

const BALANCE = { ROUND_ROBIN: 'roundrobin', LEAST_CONNECTIONS: 'leastconn', SOURCE_IP: 'source' } as const;

const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The monitor that checks a backend's servers. HAProxy runs one health check per server, so of
 * several monitors on a pool the first enabled one by id decides; sorting makes the choice, and
 * the file, independent of the order the monitors were associated in.
 */
export function effectiveMonitor(monitors: readonly RenderedMonitor[]): RenderedMonitor | null {
  return monitors.filter((m) => m.adminStateUp).sort(byId)[0] ?? null;
}

type Lines = (string | false)[];
const section = (header: string, body: Lines): string[] => [header, ...body.filter((l): l is string => l !== false).map((l) => `    ${l}`)];

export interface VariantBind {
  readonly address: string;
  readonly port: number;
}

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
  /**
   * Where each frontend (by id) listens instead of its address and port; `X-Forwarded-Port`
   * still says the frontend's own port. Every frontend has an entry.
   */
  readonly binds: Readonly<Record<string, readonly VariantBind[]>>;
}

const COMMENT = /^[ -~]{0,200}$/;
const IPV4 = /^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$/;

function validateVariant(v: HaproxyVariant, input: HaproxyInput): void {
  if (!COMMENT.test(v.comment)) throw new InvalidRenderInput('variant.comment', 'must be at most 200 printable ASCII characters');
  const ids = new Set(input.frontends.map((f) => f.id));
  for (const id of Object.keys(v.binds))
    if (!ids.has(id)) throw new InvalidRenderInput(`variant.binds.${id}`, 'names no frontend of the input');
  for (const id of ids) {
    const binds = Object.hasOwn(v.binds, id) ? v.binds[id] : [];
    if (!Array.isArray(binds) || binds.length === 0) throw new InvalidRenderInput(`variant.binds.${id}`, 'must name at least one address');
    binds.forEach((b: VariantBind, i: number) => {
      if (typeof b.address !== 'string' || !IPV4.test(b.address))
        throw new InvalidRenderInput(`variant.binds.${id}[${i}].address`, 'must be a dotted-quad IPv4 address');
      if (!Number.isInteger(b.port) || b.port < 1 || b.port > 65535)
        throw new InvalidRenderInput(`variant.binds.${id}[${i}].port`, 'must be an integer from 1 to 65535');
    });
  }
}

function globalSection(input: HaproxyInput, monitors: readonly (RenderedMonitor | null)[], asInvokingUser: boolean): string[] {
  const ping = monitors.some((m) => m?.type === 'PING');
  return section('global', [
    'master-worker',
    !asInvokingUser && 'user nobody',
    !asInvokingUser && 'group nogroup',
    // The agent reads stdout; notice and above carries server state changes, not one line per request.
    'log stdout format raw local0 notice',
    `pidfile ${input.runDir}/haproxy.pid`,
    `stats socket ${input.runDir}/haproxy.sock mode 600 level admin expose-fd listeners`,
    // HAProxy 2.6 reads the whole system CA store at every start and check for its built-in HTTP
    // client (Lua's httpclient), which nothing here uses: this skips the read, about 25 ms of CPU each.
    'httpclient.ssl.verify none',
    // An external check forks a process per check; HAProxy 2.6 allows that only with both lines.
    ping && 'external-check',
    ping && 'insecure-fork-wanted',
  ]);
}

function frontendSection(input: HaproxyInput, f: RenderedFrontend, variant: HaproxyVariant | undefined): string[] {
  const ssl = bindTlsOptions(input.runDir, f);
  const binds = variant?.binds[f.id] ?? [{ address: f.address, port: f.protocolPort }];
  const http = f.mode === 'http';
  return section(`frontend ${f.id}`, [
    ...binds.map((b) => `bind ${b.address}:${b.port}${ssl}`),
    `mode ${f.mode}`,
    ...allowedCidrLines(f),
    http && f.insertHeaders.forwardedFor && 'option forwardfor',
    // set, not add: a client's own X-Forwarded-Proto and -Port must not reach the members.
    http && f.insertHeaders.forwardedProto && `http-request set-header X-Forwarded-Proto ${f.tls === null ? 'http' : 'https'}`,
    // The frontend's own port, not dst_port: a driver that listens elsewhere (loopback) still says the port the client used.
    http && f.insertHeaders.forwardedPort && `http-request set-header X-Forwarded-Port ${f.protocolPort}`,
    ...clientCertificateHeaderLines(f),
    f.connectionLimit > 0 && `maxconn ${f.connectionLimit}`,
    f.timeoutClientMs !== null && `timeout client ${f.timeoutClientMs}`,
    f.timeoutTcpInspectMs !== null && `tcp-request inspect-delay ${f.timeoutTcpInspectMs}`,
    !f.adminStateUp && 'disabled',
    ...l7Lines(f),
    // Without a backend an HTTP frontend answers 503 and a TCP one closes: Octavia's listener without a default pool.
    f.defaultBackendId !== null && `default_backend ${f.defaultBackendId}`,
  ]);
}

function persistenceLines(b: RenderedBackend): Lines {
  const persistence = b.sessionPersistence;
  if (persistence?.type === 'SOURCE_IP') return ['stick-table type ip size 10k', 'stick on src'];
  if (persistence && b.mode === 'tcp')
    return [
      `# no ${persistence.type} persistence: ${b.modeOf.object} protocol ${b.modeOf.protocol} is proxied in tcp mode, where HAProxy cannot see cookies`,
    ];
  if (persistence?.type === 'HTTP_COOKIE') return ['cookie SRV insert indirect nocache'];
  if (persistence?.type === 'APP_COOKIE') {
    const name = persistence.cookieName;
    return ['stick-table type string len 64 size 10k', `stick store-response res.cook(${name})`, `stick match req.cook(${name})`];
  }
  return [];
}

function monitorLines(input: HaproxyInput, monitor: RenderedMonitor | null): Lines {
  if (!monitor) return [];
  const lines: Lines = [`timeout check ${monitor.timeout}s`];
  if (monitor.type === 'HTTP' || monitor.type === 'HTTPS') {
    if (monitor.httpVersion === null && monitor.domainName === null) {
      lines.push(`option httpchk ${monitor.httpMethod} ${monitor.urlPath}`);
    } else {
      // HAProxy 2.6's way to say the version and a header of the check request.
      const host = monitor.domainName === null ? '' : ` hdr Host ${monitor.domainName}`;
      lines.push(
        'option httpchk',
        `http-check send meth ${monitor.httpMethod} uri ${monitor.urlPath} ver HTTP/${monitor.httpVersion ?? '1.1'}${host}`,
      );
    }
    lines.push(`http-check expect rstatus ${expectedCodesRegex(monitor.expectedCodes)}`);
  } else if (monitor.type === 'TLS-HELLO') {
    lines.push('option ssl-hello-chk');
  } else if (monitor.type === 'PING') {
    lines.push('option external-check', `external-check command ${input.pingCheckCommand}`);
  }
  return lines;
}

function serverLine(input: HaproxyInput, b: RenderedBackend, monitor: RenderedMonitor | null, m: RenderedMember): string {
  return [
    `server ${m.id} ${m.address}:${m.protocolPort} weight ${m.weight}${serverTlsOptions(input.runDir, b)}`,
    // rise and fall as Octavia has them: v1 gives both the one max_retries.
    monitor && `check inter ${monitor.delay}s fall ${monitor.maxRetriesDown} rise ${monitor.maxRetries}`,
    monitor && m.monitorAddress !== null && `addr ${m.monitorAddress}`,
    monitor && m.monitorPort !== null && `port ${m.monitorPort}`,
    // A re-encrypting backend's `verify` covers its checks too: a second one here would override it.
    monitor?.type === 'HTTPS' && (b.tls === null ? 'check-ssl verify none' : 'check-ssl'),
    b.mode === 'http' && b.sessionPersistence?.type === 'HTTP_COOKIE' && `cookie ${m.id}`,
    b.proxyProtocol === 'v1' && 'send-proxy',
    b.proxyProtocol === 'v2' && 'send-proxy-v2',
    m.backup && 'backup',
    !m.adminStateUp && 'disabled',
  ]
    .filter((part): part is string => typeof part === 'string')
    .join(' ');
}

function backendSection(input: HaproxyInput, b: RenderedBackend, monitor: RenderedMonitor | null): string[] {
  return section(`backend ${b.id}`, [
    `mode ${b.mode}`,
    `balance ${BALANCE[b.lbMethod]}`,
    !b.adminStateUp && 'disabled',
    ...persistenceLines(b),
    b.timeoutMemberConnectMs !== null && `timeout connect ${b.timeoutMemberConnectMs}`,
    b.timeoutMemberDataMs !== null && `timeout server ${b.timeoutMemberDataMs}`,
    // Every backup serves once no other member is up, as Octavia has it, not only the first.
    b.members.some((m) => m.backup) && 'option allbackups',
    ...monitorLines(input, monitor),
    ...[...b.members].sort(byId).map((m) => serverLine(input, b, monitor, m)),
  ]);
}

/**
 * haproxy.cfg of one placement for HAProxy 2.6, after ARCHITECTURE.md section 6 (the
 * neutron-lbaas HAProxy driver's mapping for v1, Octavia's amphora driver's for v2): a
 * `frontend` per VIP or listener, a `backend` per pool, in the input's order. Deterministic: the
 * same input gives the same bytes, so an unchanged content hash means nothing to apply. Only
 * ids, numbers, addresses and strictly validated values reach the text; names and descriptions
 * are not even part of the input. Throws InvalidRenderInput, before producing any text, when a
 * value is not of the shape the file allows.
 */
export function renderHaproxyConfig(input: HaproxyInput, variant?: HaproxyVariant): string {
  validateHaproxyInput(input);
  if (variant) validateVariant(variant, input);
  const { stats } = input;
  const monitors = input.backends.map((b) => effectiveMonitor(b.monitors));
  const lines = [
    ...(variant ? [`# ${variant.comment}`] : []),
    `# haproxy.cfg of service instance ${input.instanceId}, rendered by lbaas; do not edit`,
    ...globalSection(input, monitors, variant?.asInvokingUser ?? false),
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
    ...input.frontends.flatMap((f) => frontendSection(input, f, variant)),
    ...input.backends.flatMap((b, i) => backendSection(input, b, monitors[i])),
  ];
  return `${lines.join('\n')}\n`;
}
