import type { CertificateState, HealthMonitorState, PoolState, ServiceInstanceState, SubnetState, VipState } from '@lbaas/domain';
import { CHECKED_PLACEMENT, placementCheck } from './config-checker';
import { type ConfigSources, type InstanceRendering, renderInstance, type RenderSettings, vipServedConfig } from './instance-config';

const id = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const [INSTANCE, VIP, POOL, SUBNET, CERT, ACTIVE_VM, STANDBY_VM] = [id(1), id(2), id(3), id(4), id(80), id(71), id(72)];
const FINGERPRINT = `5f3a09c2e1b47d86${'0'.repeat(48)}`;
const ROTATED = `a1b2c3d4e5f60718${'1'.repeat(48)}`;

const instance: ServiceInstanceState = {
  kind: 'live',
  id: INSTANCE,
  tenantId: 't',
  source: { kind: 'vip', vipId: VIP, poolId: POOL },
  createTs: 1,
  virtualRouterId: 7,
  placements: [
    { vmId: ACTIVE_VM, nodeId: 'compute-node-1', role: 'active', priority: 200, vrrpAddress: '198.19.192.1' },
    { vmId: STANDBY_VM, nodeId: 'compute-node-2', role: 'standby', priority: 100, vrrpAddress: '198.19.192.2' },
  ],
  unplaceableReason: null,
  deleting: false,
  history: [],
  handover: null,
  rendered: [],
  renderedRevision: null,
  lastRejection: null,
  applied: {},
  failures: {},
};
const vip = (tlsCertificateId: string | null): VipState => ({
  kind: 'live',
  id: VIP,
  tenantId: 't',
  name: 'web',
  description: '',
  subnetId: SUBNET,
  address: '198.18.1.10',
  portId: id(5),
  protocolPort: 443,
  protocol: 'HTTP',
  poolId: POOL,
  sessionPersistence: null,
  connectionLimit: -1,
  adminStateUp: true,
  status: 'ACTIVE',
  statusDescription: null,
  tlsCertificateId,
});
const pool: PoolState = {
  kind: 'live',
  id: POOL,
  tenantId: 't',
  name: 'p',
  description: '',
  subnetId: SUBNET,
  protocol: 'HTTP',
  lbMethod: 'ROUND_ROBIN',
  adminStateUp: true,
  provider: 'haproxy',
  status: 'ACTIVE',
  statusDescription: null,
  vipId: VIP,
  monitorIds: [],
  members: [
    {
      id: id(41),
      tenantId: 't',
      address: '198.18.2.10',
      protocolPort: 8080,
      weight: 1,
      adminStateUp: true,
      status: 'ACTIVE',
      statusDescription: null,
    },
  ],
};
const certificate = (fingerprint: string): CertificateState => ({
  kind: 'live',
  id: CERT,
  certificateKind: 'server',
  tenantId: 't',
  name: 'www',
  description: '',
  certificate: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
  privateKey: { algorithm: 'AES-256-GCM', keyId: 'k1', iv: 'aXY=', tag: 'dGFn', ciphertext: 'c2VjcmV0' },
  fingerprint,
  subject: 'CN=www.lbaas.test',
  hostnames: ['www.lbaas.test'],
  notBefore: '2026-01-01T00:00:00Z',
  notAfter: '2027-01-01T00:00:00Z',
  vipIds: [VIP],
});

const sources = (v: VipState, certificates: Record<string, CertificateState> = {}): ConfigSources => ({
  vip: (x) => (x === VIP ? v : undefined),
  pool: (x) => (x === POOL ? pool : undefined),
  monitor: (): HealthMonitorState | undefined => undefined,
  subnet: (): SubnetState | undefined => ({ kind: 'live', id: SUBNET, cidr: '198.18.1.0/24' }) as SubnetState,
  certificate: (x) => certificates[x],
  loadBalancer: () => undefined,
});
const settings: RenderSettings = {
  runRoot: '/run/lbaas',
  pingCheckCommand: '/usr/local/lib/lbaas/ping-check',
  statsPassword: () => 'statspw',
};

const tlsFilesOf = (r: InstanceRendering, vmId: string) =>
  r.kind === 'files' ? r.bundles.find((b) => b.vmId === vmId)?.haproxy.tlsFiles : undefined;
const haproxyOf = (r: InstanceRendering, vmId: string): string => {
  if (r.kind !== 'files') throw new Error('nothing rendered');
  const file = r.files.find((f) => f.vmId === vmId && f.file === 'haproxy.cfg');
  if (!file) throw new Error(`no haproxy.cfg for ${vmId}`);
  return file.text;
};

describe('renderInstance with TLS termination', () => {
  it('renders a plain HTTP frontend for a VIP without a certificate', () => {
    const rendering = renderInstance(instance, sources(vip(null)), settings);
    expect(haproxyOf(rendering, ACTIVE_VM)).toContain('\n    bind 198.18.1.10:443\n');
    expect(tlsFilesOf(rendering, ACTIVE_VM)).toEqual([]);
  });

  it("binds with ssl and a certificate file in each placement's own run directory, named by id and fingerprint", () => {
    const rendering = renderInstance(instance, sources(vip(CERT), { [CERT]: certificate(FINGERPRINT) }), settings);
    for (const vmId of [ACTIVE_VM, STANDBY_VM]) {
      const path = `/run/lbaas/${vmId}/tls/${CERT}-5f3a09c2e1b47d86.pem`;
      const text = haproxyOf(rendering, vmId);
      expect(text).toContain(`\n    bind 198.18.1.10:443 ssl crt ${path} alpn h2,http/1.1\n`);
      expect(text).toContain('\n    http-request set-header X-Forwarded-Proto https\n');
      expect(tlsFilesOf(rendering, vmId)).toEqual([
        { path, kind: 'certificate', certificateId: CERT, fingerprintPrefix: '5f3a09c2e1b47d86' },
      ]);
    }
  });

  it('never puts the certificate or its sealed key into the file: only the path', () => {
    const rendering = renderInstance(instance, sources(vip(CERT), { [CERT]: certificate(FINGERPRINT) }), settings);
    if (rendering.kind !== 'files') throw new Error('nothing rendered');
    for (const f of rendering.files) expect(f.text).not.toMatch(/BEGIN CERTIFICATE|c2VjcmV0|MIIB/);
    expect(JSON.stringify(rendering.bundles)).not.toMatch(/BEGIN CERTIFICATE|c2VjcmV0|MIIB/);
  });

  it('changes haproxy.cfg, and so its hash, when the certificate is replaced (rotation), and keepalived.conf not', () => {
    const before = renderInstance(instance, sources(vip(CERT), { [CERT]: certificate(FINGERPRINT) }), settings);
    const after = renderInstance(instance, sources(vip(CERT), { [CERT]: certificate(ROTATED) }), settings);
    if (before.kind !== 'files' || after.kind !== 'files') throw new Error('nothing rendered');
    const hashes = (r: typeof before, file: string) => r.files.filter((f) => f.file === file).map((f) => f.hash);
    expect(hashes(after, 'haproxy.cfg').some((h) => hashes(before, 'haproxy.cfg').includes(h))).toBe(false);
    expect(hashes(after, 'keepalived.conf')).toEqual(hashes(before, 'keepalived.conf'));
    expect(haproxyOf(after, ACTIVE_VM)).toContain(`/tls/${CERT}-a1b2c3d4e5f60718.pem`);
  });

  it.each<[string, Record<string, CertificateState>]>([
    ['not folded yet', {}],
    ['deleted', { [CERT]: { kind: 'deleted' } }],
    ['absent', { [CERT]: { kind: 'absent' } }],
  ])("renders nothing while the VIP's certificate is %s, so the files in force stay rather than plain HTTP", (_, certificates) => {
    expect(renderInstance(instance, sources(vip(CERT), certificates), settings)).toEqual({ kind: 'nothing' });
  });
});

describe('renderInstance bundles', () => {
  it('gives each placement the bundle of its own two files, with its VRRP settings', () => {
    const rendering = renderInstance(instance, sources(vip(null)), settings);
    if (rendering.kind !== 'files') throw new Error('nothing rendered');
    for (const [vmId, role, peer] of [
      [ACTIVE_VM, 'active', '198.19.192.2'],
      [STANDBY_VM, 'standby', '198.19.192.1'],
    ] as const) {
      const hashOf = (file: string) => rendering.files.find((f) => f.vmId === vmId && f.file === file)?.hash;
      expect(rendering.bundles.find((b) => b.vmId === vmId)).toMatchObject({
        instanceId: INSTANCE,
        haproxy: { hash: hashOf('haproxy.cfg'), backends: [{ id: POOL, servers: [{ id: id(41), weight: 1, enabled: true }] }] },
        keepalived: {
          hash: hashOf('keepalived.conf'),
          role,
          peerAddress: peer,
          virtualRouterId: 7,
          vip: { address: '198.18.1.10', prefixLength: 24 },
        },
      });
    }
  });
});

describe('vipServedConfig: the v1 mapping to the one model', () => {
  const liveVip = (change: Partial<VipState>) => ({ ...vip(null), ...change }) as Extract<VipState, { kind: 'live' }>;
  const livePool = pool as Extract<PoolState, { kind: 'live' }>;

  it.each([
    ['HTTP', null, 'http', { forwardedFor: true, forwardedPort: false, forwardedProto: false }],
    ['HTTP', CERT, 'http', { forwardedFor: true, forwardedPort: true, forwardedProto: true }],
    ['HTTPS', null, 'tcp', { forwardedFor: false, forwardedPort: false, forwardedProto: false }],
    ['TCP', null, 'tcp', { forwardedFor: false, forwardedPort: false, forwardedProto: false }],
  ] as const)(
    'a %s VIP (certificate %s): one frontend in %s mode with headers %j, one backend of the same mode',
    (protocol, cert, mode, headers) => {
      const c = cert === null ? null : { id: CERT, fingerprint: FINGERPRINT };
      const { frontends, backends } = vipServedConfig(liveVip({ protocol, sessionPersistence: { type: 'SOURCE_IP' } }), livePool, [], c);
      expect(frontends).toEqual([
        expect.objectContaining({
          id: VIP,
          mode,
          defaultBackendId: POOL,
          insertHeaders: headers,
          timeoutClientMs: null,
          timeoutTcpInspectMs: null,
        }),
      ]);
      expect(backends).toEqual([
        expect.objectContaining({
          id: POOL,
          mode,
          modeOf: { object: 'VIP', protocol },
          sessionPersistence: { type: 'SOURCE_IP' },
          proxyProtocol: null,
          timeoutMemberConnectMs: null,
          timeoutMemberDataMs: null,
        }),
      ]);
      expect(backends[0].members).toEqual([expect.objectContaining({ backup: false, monitorAddress: null, monitorPort: null })]);
    },
  );

  it('gives a monitor one max_retries for rise and fall, no HTTP version and no Host', () => {
    const hm = {
      kind: 'live',
      id: id(60),
      tenantId: 't',
      type: 'HTTP',
      delay: 5,
      timeout: 3,
      maxRetries: 4,
      httpMethod: 'GET',
      urlPath: '/',
      expectedCodes: '200',
      adminStateUp: true,
    } as unknown as Extract<HealthMonitorState, { kind: 'live' }>;
    expect(vipServedConfig(liveVip({}), livePool, [hm], null).backends[0].monitors).toEqual([
      expect.objectContaining({ maxRetries: 4, maxRetriesDown: 4, httpVersion: null, domainName: null }),
    ]);
  });
});

describe('placementCheck over a rendered pair', () => {
  const checkOf = (r: InstanceRendering, vmId: string) =>
    placementCheck(
      haproxyOf(r, vmId),
      `/run/lbaas/${vmId}`,
      (tlsFilesOf(r, vmId) ?? []).map((t) => t.path),
      `/run/lbaas/${CHECKED_PLACEMENT}`,
    );

  it.each<[string, VipState, Record<string, CertificateState>]>([
    ['plain HTTP', vip(null), {}],
    ['TLS termination', vip(CERT), { [CERT]: certificate(FINGERPRINT) }],
  ])("checks the active's and the standby's haproxy.cfg as one text (%s)", (_, v, certificates) => {
    const rendering = renderInstance(instance, sources(v, certificates), settings);
    expect(haproxyOf(rendering, ACTIVE_VM)).not.toBe(haproxyOf(rendering, STANDBY_VM));
    const [active, standby] = [checkOf(rendering, ACTIVE_VM), checkOf(rendering, STANDBY_VM)];
    expect(standby).toEqual(active);
    expect(active.text).not.toContain(ACTIVE_VM);
    expect(active.text).toContain(`pidfile /run/lbaas/${CHECKED_PLACEMENT}/haproxy.pid`);
    expect(active.text.length).toBe(haproxyOf(rendering, ACTIVE_VM).length);
  });

  it('keeps a TLS rendering apart from a plain one, and the certificate paths with the text', () => {
    const plain = checkOf(renderInstance(instance, sources(vip(null)), settings), ACTIVE_VM);
    const tls = checkOf(renderInstance(instance, sources(vip(CERT), { [CERT]: certificate(FINGERPRINT) }), settings), ACTIVE_VM);
    expect(tls.key).not.toBe(plain.key);
    expect(tls.tlsPaths).toEqual([`/run/lbaas/${CHECKED_PLACEMENT}/tls/${CERT}-5f3a09c2e1b47d86.pem`]);
    expect(tls.text).toContain(` ${tls.tlsPaths[0]} `);
  });
});
