import type {
  CertificateState,
  HealthMonitorState,
  LoadBalancerState,
  PoolState,
  ServiceInstanceState,
  SubnetState,
  VipState,
} from '@lbaas/domain';
import { type HaproxyInput, type KeepalivedInput, PLACEMENT_INTERFACE, type PlacementBundle, renderPlacement } from '@lbaas/haproxy';

/** HAProxy's statistics listener inside each placement's namespace (the seed's port). */
export const STATS_PORT = 5937;

export interface RenderSettings {
  /** Parent of the placements' runtime directories (`<runRoot>/<vm uuid>`). */
  readonly runRoot: string;
  readonly pingCheckCommand: string;
  /** Per-instance statistics password, derived from the deployment key: never stored in an event. */
  readonly statsPassword: (instanceId: string) => string;
}

/** What the renderer reads of the folded log. */
export interface ConfigSources {
  vip(id: string): VipState | undefined;
  pool(id: string): PoolState | undefined;
  monitor(id: string): HealthMonitorState | undefined;
  subnet(id: string): SubnetState | undefined;
  certificate(id: string): CertificateState | undefined;
  loadBalancer(id: string): LoadBalancerState | undefined;
}

export interface RenderedFile {
  readonly vmId: string;
  readonly file: 'haproxy.cfg' | 'keepalived.conf';
  readonly text: string;
  readonly hash: string;
}

export type InstanceRendering =
  /** Both files of every placement, and each placement's bundle: the facts its agent reads instead of the text. */
  | { readonly kind: 'files'; readonly files: readonly RenderedFile[]; readonly bundles: readonly PlacementBundle[] }
  /** Not renderable yet or any more (VIP, pool or the VIP's certificate not folded, instance deleting or unplaced). */
  | { readonly kind: 'nothing' };

type LiveVip = Extract<VipState, { kind: 'live' }>;
type LivePool = Extract<PoolState, { kind: 'live' }>;
type LiveMonitor = Extract<HealthMonitorState, { kind: 'live' }>;
type LiveServiceInstance = Extract<ServiceInstanceState, { kind: 'live' }>;

/** What a service instance serves, the same on each of its placements: its frontends and backends. */
export type ServedConfig = Pick<HaproxyInput, 'frontends' | 'backends'>;

/**
 * The v1 mapping (ARCHITECTURE.md section 6): a VIP is a load balancer of one frontend, the VIP,
 * and one backend, its pool. HTTP is http mode with X-Forwarded-For; HTTPS passes TLS through and
 * TCP forwards connections, both in tcp mode; a certificate on an HTTP VIP terminates TLS and
 * tells the members X-Forwarded-Proto and -Port. Session persistence is the VIP's, on the pool's
 * backend; v1 has none of Octavia's timeouts, PROXY protocol, backup members or monitor ports,
 * and one max_retries for rise and fall. Pure.
 */
export function vipServedConfig(
  vip: LiveVip,
  pool: LivePool,
  monitors: readonly LiveMonitor[],
  certificate: { readonly id: string; readonly fingerprint: string } | null,
): ServedConfig {
  const mode = vip.protocol === 'HTTP' ? 'http' : 'tcp';
  const tls = certificate === null ? null : { certificateId: certificate.id, fingerprint: certificate.fingerprint };
  const sp = vip.sessionPersistence;
  return {
    frontends: [
      {
        id: vip.id,
        address: vip.address,
        protocolPort: vip.protocolPort,
        mode,
        // The agent writes the chain and the opened key in the run directory; the file's name changes with the fingerprint, so a rotation reloads.
        tls,
        connectionLimit: vip.connectionLimit,
        adminStateUp: vip.adminStateUp,
        defaultBackendId: pool.id,
        insertHeaders: { forwardedFor: mode === 'http', forwardedPort: tls !== null, forwardedProto: tls !== null },
        timeoutClientMs: null,
        timeoutTcpInspectMs: null,
        // v1 has none of Octavia's TLS options, L7 policies or allowed CIDRs.
        tlsOptions: null,
        clientCertificateHeaders: [],
        allowedCidrs: [],
        l7Policies: [],
      },
    ],
    backends: [
      {
        id: pool.id,
        mode,
        modeOf: { object: 'VIP', protocol: vip.protocol },
        lbMethod: pool.lbMethod,
        adminStateUp: pool.adminStateUp,
        sessionPersistence: sp === null ? null : { type: sp.type, ...(sp.cookie_name === undefined ? {} : { cookieName: sp.cookie_name }) },
        proxyProtocol: null,
        timeoutMemberConnectMs: null,
        timeoutMemberDataMs: null,
        tls: null,
        members: pool.members.map((m) => ({
          id: m.id,
          address: m.address,
          protocolPort: m.protocolPort,
          weight: m.weight,
          adminStateUp: m.adminStateUp,
          backup: false,
          monitorAddress: null,
          monitorPort: null,
        })),
        monitors: monitors.map((hm) => ({
          id: hm.id,
          type: hm.type,
          delay: hm.delay,
          timeout: hm.timeout,
          maxRetries: hm.maxRetries,
          maxRetriesDown: hm.maxRetries,
          httpMethod: hm.httpMethod,
          urlPath: hm.urlPath,
          expectedCodes: hm.expectedCodes,
          httpVersion: null,
          domainName: null,
          adminStateUp: hm.adminStateUp,
        })),
      },
    ],
  };
}

/** A placement's runtime directory: its pid files, stats socket and TLS files, as its files name them. */
export const placementRunDir = (runRoot: string, vmId: string): string => `${runRoot}/${vmId}`;

/**
 * Both files of every placement of a live instance, and each placement's bundle, for what it
 * serves at `vip` (the address keepalived moves): the same frontends and backends everywhere,
 * each placement with its own run directory and VRRP settings. For either API's source. Throws
 * InvalidRenderInput when a value does not have the shape a file allows.
 */
export function renderPlacements(
  si: LiveServiceInstance,
  served: ServedConfig,
  vip: { readonly address: string; readonly prefixLength: number },
  settings: RenderSettings,
): Extract<InstanceRendering, { kind: 'files' }> {
  const files: RenderedFile[] = [];
  const bundles: PlacementBundle[] = [];
  for (const p of si.placements) {
    const runDir = placementRunDir(settings.runRoot, p.vmId);
    const haproxy: HaproxyInput = {
      instanceId: si.id,
      ...served,
      stats: { address: '127.0.0.1', port: STATS_PORT, user: 'lbstats', password: settings.statsPassword(si.id) },
      runDir,
      pingCheckCommand: settings.pingCheckCommand,
    };
    const peer = si.placements.find((other) => other.vmId !== p.vmId);
    const keepalived: KeepalivedInput = {
      instanceId: si.id,
      vmId: p.vmId,
      role: p.role,
      priority: p.priority,
      virtualRouterId: si.virtualRouterId,
      interface: PLACEMENT_INTERFACE,
      vrrpAddress: p.vrrpAddress,
      peerAddress: peer?.vrrpAddress ?? null,
      vip,
      runDir,
    };
    const rendered = renderPlacement(haproxy, keepalived);
    files.push(
      { vmId: p.vmId, file: 'haproxy.cfg', ...rendered.haproxy },
      { vmId: p.vmId, file: 'keepalived.conf', ...rendered.keepalived },
    );
    bundles.push(rendered.bundle);
  }
  return { kind: 'files', files, bundles };
}

/** The VIP's prefix length on its subnet, as keepalived adds the address; a host route while the subnet is not folded. */
export const vipPrefixLength = (subnet: SubnetState | undefined): number =>
  subnet?.kind === 'live' ? Number(subnet.cidr.split('/')[1]) : 32;

/**
 * The files of every placement of one v1 instance, from the folded log: pure, so the unit tests
 * and the property tests run it without NATS. Throws InvalidRenderInput when a value does not
 * have the shape a file allows.
 */
export function renderInstance(si: ServiceInstanceState, sources: ConfigSources, settings: RenderSettings): InstanceRendering {
  if (si.kind !== 'live' || si.deleting || si.placements.length === 0 || si.source.kind !== 'vip') return { kind: 'nothing' };
  const vip = sources.vip(si.source.vipId);
  const pool = sources.pool(si.source.poolId);
  if (vip?.kind !== 'live' || pool?.kind !== 'live') return { kind: 'nothing' };
  const certificate = vip.tlsCertificateId === null ? null : sources.certificate(vip.tlsCertificateId);
  // A VIP names a certificate that is not folded (or gone): rendering without TLS would serve
  // plain HTTP where the tenant asked for TLS, and move every client off the last good files.
  // Nothing new is rendered, so the files in force stay; the certificate's own events render the
  // instance again once it is there. (The api attaches a certificate before the VIP names it and
  // a certificate in use cannot be deleted, so this is a short wait.)
  if (certificate !== null && certificate?.kind !== 'live') return { kind: 'nothing' };
  const prefixLength = vipPrefixLength(sources.subnet(vip.subnetId));
  const monitors = pool.monitorIds.flatMap((id) => {
    const hm = sources.monitor(id);
    return hm?.kind === 'live' ? [hm] : [];
  });
  return renderPlacements(si, vipServedConfig(vip, pool, monitors, certificate), { address: vip.address, prefixLength }, settings);
}
