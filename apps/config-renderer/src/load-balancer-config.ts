import type {
  CertificateState,
  LbHealthMonitorState,
  LbMemberState,
  LbPoolState,
  ListenerState,
  LiveLoadBalancer,
  ServiceInstanceState,
} from '@lbaas/domain';
import {
  type ProxyMode,
  type RenderedBackend,
  type RenderedBackendTls,
  type RenderedFrontend,
  type RenderedMember,
  type RenderedMonitor,
} from '@lbaas/haproxy';
import { type InstanceRendering, renderPlacements, type RenderSettings, type ServedConfig } from './instance-config';
import { l7Policies, listenerTls, poolTls, unsupported } from './load-balancer-l7';

// HAProxy refuses a timer above 2^31-1 ms; Octavia takes up to a year. Both mean "never" in practice.
const MAX_TIMEOUT_MS = 2_147_483_647;
/** Octavia's 0 is "the default": no line, so the `defaults` section's (Octavia's own defaults) applies. */
const timeoutMs = (ms: number): number | null => (ms > 0 ? Math.min(ms, MAX_TIMEOUT_MS) : null);

/** The listener protocols HAProxy serves here, and the mode each runs in. */
const LISTENER_MODES = { HTTP: 'http', TERMINATED_HTTPS: 'http', HTTPS: 'tcp', TCP: 'tcp' } as const;
type ServedListenerProtocol = keyof typeof LISTENER_MODES;

/** Octavia's insert_headers hold 'true' or 'false' as text, compared without case. */
const header = (l: ListenerState, name: string): boolean => l.insertHeaders[name]?.toLowerCase() === 'true';

function listenerProtocol(l: ListenerState): ServedListenerProtocol {
  if (!Object.hasOwn(LISTENER_MODES, l.protocol)) throw unsupported(`listeners[${l.id}].protocol`, `${l.protocol} listeners`);
  return l.protocol as ServedListenerProtocol;
}

function member(m: LbMemberState): RenderedMember {
  return {
    id: m.id,
    address: m.address,
    protocolPort: m.protocolPort,
    weight: m.weight,
    adminStateUp: m.adminStateUp,
    backup: m.backup,
    monitorAddress: m.monitorAddress,
    monitorPort: m.monitorPort,
  };
}

function monitor(poolId: string, hm: LbHealthMonitorState): RenderedMonitor {
  if (hm.type === 'UDP-CONNECT' || hm.type === 'SCTP')
    throw unsupported(`pools[${poolId}].healthmonitor.type`, `${hm.type} health monitors`);
  return {
    id: hm.id,
    type: hm.type,
    delay: hm.delay,
    timeout: hm.timeout,
    maxRetries: hm.maxRetries,
    maxRetriesDown: hm.maxRetriesDown,
    // Octavia's defaults for the HTTP fields, which only HTTP and HTTPS checks use.
    httpMethod: hm.httpMethod ?? 'GET',
    urlPath: hm.urlPath ?? '/',
    expectedCodes: hm.expectedCodes ?? '200',
    httpVersion: hm.httpVersion === null ? null : hm.httpVersion === 1 ? '1.0' : '1.1',
    domainName: hm.domainName,
    adminStateUp: hm.adminStateUp,
  };
}

function backend(p: LbPoolState, listener: ListenerState | undefined, tls: RenderedBackendTls | null): RenderedBackend {
  if (p.protocol === 'UDP' || p.protocol === 'SCTP') throw unsupported(`pools[${p.id}].protocol`, `${p.protocol} pools`);
  if (p.lbAlgorithm === 'SOURCE_IP_PORT') throw unsupported(`pools[${p.id}].lbAlgorithm`, 'SOURCE_IP_PORT (HAProxy has no such balance)');
  const proxy = p.protocol === 'PROXY' || p.protocol === 'PROXYV2';
  // A PROXY pool speaks whatever its listener speaks, with the PROXY header first; unused, tcp.
  const listenedAs = proxy && listener !== undefined ? listenerProtocol(listener) : null;
  const modeOf: RenderedBackend['modeOf'] =
    listenedAs === null ? { object: 'pool', protocol: p.protocol } : { object: 'listener', protocol: listenedAs };
  const mode: ProxyMode = listenedAs !== null ? LISTENER_MODES[listenedAs] : p.protocol === 'HTTP' ? 'http' : 'tcp';
  const sp = p.sessionPersistence;
  return {
    id: p.id,
    mode,
    modeOf,
    lbMethod: p.lbAlgorithm,
    adminStateUp: p.adminStateUp,
    sessionPersistence: sp === null ? null : { type: sp.type, ...(sp.cookieName === null ? {} : { cookieName: sp.cookieName }) },
    proxyProtocol: p.protocol === 'PROXY' ? 'v1' : p.protocol === 'PROXYV2' ? 'v2' : null,
    // Octavia keeps the member timeouts on the listener; they apply to the backend it routes to.
    timeoutMemberConnectMs: listener === undefined ? null : timeoutMs(listener.timeoutMemberConnect),
    timeoutMemberDataMs: listener === undefined ? null : timeoutMs(listener.timeoutMemberData),
    tls,
    members: p.members.map(member),
    monitors: p.monitor === null ? [] : [monitor(p.id, p.monitor)],
  };
}

/**
 * The Octavia v2 mapping (ARCHITECTURE.md section 6): a frontend per listener (by port) on the
 * load balancer's VIP, a backend per pool (by id), whether a listener routes to it or not (its
 * members are checked all the same). HTTP and TERMINATED_HTTPS listeners run in http mode (the
 * latter terminating TLS with its certificate, as a v1 VIP does), HTTPS and TCP in tcp mode; a
 * disabled load balancer disables every frontend. Null while a TERMINATED_HTTPS listener's
 * certificate is not folded: rendering without it would move every listener off the files in
 * force. Throws InvalidRenderInput for what this provider cannot serve (UDP, SCTP, PROMETHEUS,
 * SOURCE_IP_PORT), in Octavia's words, so the rendering is refused with the reason. Pure.
 */
export function loadBalancerServedConfig(
  lb: LiveLoadBalancer,
  certificate: (id: string) => CertificateState | undefined,
): ServedConfig | null {
  const listeners = [...lb.listeners].sort((a, b) => a.protocolPort - b.protocolPort);
  const pools = [...lb.pools].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const frontends: RenderedFrontend[] = [];
  for (const l of listeners) {
    const mode = LISTENER_MODES[listenerProtocol(l)];
    const tls = listenerTls(l, certificate);
    if (tls === undefined) return null;
    const http = mode === 'http';
    frontends.push({
      id: l.id,
      address: lb.vip.address,
      protocolPort: l.protocolPort,
      mode,
      ...tls,
      connectionLimit: l.connectionLimit,
      adminStateUp: l.adminStateUp && lb.adminStateUp,
      defaultBackendId: pools.some((p) => p.id === l.defaultPoolId) ? l.defaultPoolId : null,
      insertHeaders: {
        forwardedFor: http && header(l, 'X-Forwarded-For'),
        forwardedPort: http && header(l, 'X-Forwarded-Port'),
        forwardedProto: http && header(l, 'X-Forwarded-Proto'),
      },
      timeoutClientMs: timeoutMs(l.timeoutClientData),
      timeoutTcpInspectMs: timeoutMs(l.timeoutTcpInspect),
      allowedCidrs: l.allowedCidrs,
      l7Policies: http ? l7Policies(l, pools) : [],
    });
  }
  const backends: RenderedBackend[] = [];
  for (const p of pools) {
    const tls = poolTls(p, certificate);
    if (tls === undefined) return null;
    backends.push(
      backend(
        p,
        listeners.find((l) => l.defaultPoolId === p.id) ??
          listeners.find((l) => l.l7policies.some((policy) => policy.redirectPoolId === p.id)),
        tls,
      ),
    );
  }
  return { frontends, backends };
}

/**
 * Both files of every placement of the instance serving a load balancer, and their bundles, as
 * renderInstance does for a v1 VIP: nothing while the instance is deleting or unplaced or a
 * certificate is not folded. `prefixLength` is that of the VIP's subnet. Throws
 * InvalidRenderInput as loadBalancerServedConfig and the renderers do.
 */
export function renderLoadBalancerInstance(
  si: ServiceInstanceState,
  lb: LiveLoadBalancer,
  certificate: (id: string) => CertificateState | undefined,
  prefixLength: number,
  settings: RenderSettings,
): InstanceRendering {
  if (si.kind !== 'live' || si.deleting || si.placements.length === 0) return { kind: 'nothing' };
  const served = loadBalancerServedConfig(lb, certificate);
  return served === null ? { kind: 'nothing' } : renderPlacements(si, served, { address: lb.vip.address, prefixLength }, settings);
}
