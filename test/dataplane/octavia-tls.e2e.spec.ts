import { ensureFabric, inNamespace, plugNamespace, removeNamespaces } from '@lbaas/dataplane';
import {
  type IssuedCertificate,
  makeTestCa,
  type ServiceProcess,
  type Stack,
  startBackend,
  startStack,
  type TestCa,
  waitFor,
  pipelineServices,
} from '@lbaas/testing';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NeutronApi } from '../acceptance/neutron-api';
import { RUN_PREFIX as PREFIX, sweepDeadRuns } from './run-fabric';

type Obj = Record<string, unknown> & { id: string };
const ROOT = process.getuid?.() === 0;
const CLIENT_ADDRESS = '198.18.255.250';
const MEMBERS = ['198.18.2.11', '198.18.2.12'];
const [DEFAULT_HOST, ALPHA_HOST, BETA_HOST] = ['www.lbaas.test', 'alpha.lbaas.test', 'beta.lbaas.test'];

/**
 * An Octavia load balancer's TLS options as a client and the members see them, over real HAProxy
 * in namespaces: SNI certificates chosen by the client's server name, client certificates
 * required or optional and their DN passed on, checked against a revocation list, and
 * re-encryption towards members verified by a CA. The CA and the revocation list are
 * certificate resources without a key (kinds ca and crl).
 */
(ROOT ? describe : describe.skip)('TLS options of an Octavia load balancer (netns driver, two nodes)', () => {
  let stack: Stack;
  let v2: NeutronApi;
  let certificatesApi: NeutronApi;
  let work: string;
  let ca: TestCa;
  let otherCa: TestCa;
  const leaves = {} as Record<'www' | 'alpha' | 'beta' | 'member' | 'client' | 'stranger' | 'revoked', IssuedCertificate>;
  /** Certificate resources by what they hold. */
  const refs = {} as Record<'www' | 'alpha' | 'beta' | 'ca' | 'otherCa' | 'crl', string>;
  const services: ServiceProcess[] = [];
  const backends: ChildProcess[] = [];
  let client: string;
  let lb: Obj;
  let reencrypting: Obj;

  const ok = async <B>(reply: Promise<{ status: number; body: B; text: string }>, status = 200): Promise<B> => {
    const r = await reply;
    if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${r.text}`);
    return r.body;
  };
  const active = () =>
    waitFor(
      'the load balancer ACTIVE',
      async () => {
        const { loadbalancer } = await ok(v2.get<{ loadbalancer: Obj }>(`/v2/lbaas/loadbalancers/${lb.id}`));
        if (loadbalancer.provisioning_status === 'ERROR') throw new Error(`the load balancer went ERROR: ${JSON.stringify(loadbalancer)}`);
        return loadbalancer.provisioning_status === 'ACTIVE';
      },
      60_000,
      250,
    );
  const create = async (path: string, key: string, body: Record<string, unknown>): Promise<Obj> => {
    const created = (await ok(v2.post<Record<string, Obj>>(path, { [key]: body }), 201))[key];
    await active();
    return created;
  };
  /** A pool of both members on `port` (their plain HTTP servers on 80, their TLS servers on 443). */
  const pool = (listenerId: string, port: number, extra: Record<string, unknown> = {}): Promise<Obj> =>
    create('/v2/lbaas/pools', 'pool', { listener_id: listenerId, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN', ...extra }).then(
      async (p) => {
        for (const address of MEMBERS) await create(`/v2/lbaas/pools/${p.id}/members`, 'member', { address, protocol_port: port });
        return p;
      },
    );
  /** curl from the client namespace, trusting the test CA's root: exit code, body and error text. */
  const curl = async (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    try {
      return { code: 0, ...(await inNamespace(client, 'curl', ['-sS', '-m', '5', '--cacert', ca.certPath, ...args], 10_000)) };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(error) };
    }
  };
  const https = (host: string, port: number, path = '/', args: string[] = []) =>
    curl([...args, '--resolve', `${host}:${port}:${lb.vip_address as string}`, `https://${host}:${port}${path}`]);
  /** The subject of the certificate served at the VIP's `port` for the server name `host` (none: no SNI at all). */
  const servedSubject = async (port: number, host: string | null): Promise<string> => {
    const name = host === null ? '-noservername' : `-servername ${host}`;
    const { stdout } = await inNamespace(
      client,
      'sh',
      ['-c', `openssl s_client -connect ${lb.vip_address as string}:${port} ${name} </dev/null 2>/dev/null | openssl x509 -noout -subject`],
      10_000,
    );
    return stdout.trim().replace(/^subject=\s*/, '');
  };
  /**
   * What openssl s_client prints of a TLS session with the VIP's 8443 that sends a request only
   * after a second and waits a second more: the server's alert when it refuses the client, the answer when not.
   */
  const session = async (args: string[], port = 8443): Promise<string> => {
    const connect = `openssl s_client -connect ${lb.vip_address as string}:${port} -servername ${DEFAULT_HOST} -CAfile ${ca.certPath} ${args.join(' ')}`;
    const request = `printf 'GET / HTTP/1.0\\r\\nHost: ${DEFAULT_HOST}\\r\\n\\r\\n'`;
    const { stdout } = await inNamespace(client, 'sh', ['-c', `(sleep 1; ${request}; sleep 1) | ${connect} 2>&1; true`], 10_000);
    return stdout;
  };
  /** The operating status of each member of the re-encrypting pool. */
  const memberStatuses = async (): Promise<string[]> =>
    (await ok(v2.get<{ members: Obj[] }>(`/v2/lbaas/pools/${reencrypting.id}/members`))).members.map((m) => String(m.operating_status));
  /** The headers a member received, from its `/headers` answer. */
  const echoed = (stdout: string): Record<string, string> => (JSON.parse(stdout) as { headers: Record<string, string> }).headers;
  const upload = async (name: string, certificate: string, privateKey: string): Promise<string> =>
    (
      await ok(
        certificatesApi.post<{ certificate: Obj }>('/v2.0/lb/certificates', {
          certificate: { name, certificate, private_key: privateKey },
        }),
        201,
      )
    ).certificate.id;
  /** A CA bundle or revocation list: no key, its kind shown back. */
  const uploadKeyless = async (name: string, kind: 'ca' | 'crl', certificate: string): Promise<string> => {
    const created = (
      await ok(certificatesApi.post<{ certificate: Obj }>('/v2.0/lb/certificates', { certificate: { name, kind, certificate } }), 201)
    ).certificate;
    expect(created.kind).toBe(kind);
    return created.id;
  };
  const withCertificate = (leaf: IssuedCertificate) => ['--cert', leaf.certPath, '--key', leaf.keyPath];

  beforeAll(async () => {
    await sweepDeadRuns();
    work = mkdtempSync(join(tmpdir(), 'lbt-octls-'));
    ca = await makeTestCa(join(work, 'ca'));
    otherCa = await makeTestCa(join(work, 'other-ca'));
    leaves.www = await ca.issue([DEFAULT_HOST]);
    leaves.alpha = await ca.issue([ALPHA_HOST]);
    leaves.beta = await ca.issue([BETA_HOST], { intermediate: true });
    leaves.member = await ca.issue(['member.lbaas.test']);
    leaves.client = await ca.issue([], { commonName: 'client.lbaas.test', client: true });
    leaves.stranger = await otherCa.issue([], { commonName: 'stranger.lbaas.test', client: true });
    leaves.revoked = await ca.issue([], { commonName: 'revoked.lbaas.test', client: true });

    await ensureFabric(PREFIX);
    for (const [i, address] of MEMBERS.entries()) {
      const name = `be-${i + 1}`;
      const ns = await plugNamespace(PREFIX, name, address);
      backends.push(startBackend(ns, { name, address }));
      backends.push(
        startBackend(ns, { name, address, port: 443, tls: { certFile: leaves.member.certPath, keyFile: leaves.member.keyPath } }),
      );
    }
    client = await plugNamespace(PREFIX, 'client', CLIENT_ADDRESS);
    stack = await startStack();
    // Octavia's roles beside member, as Keystone users have them: the token file is read again when it changes.
    const lbdemo = stack.tokens.lbdemo;
    v2 = new NeutronApi(stack.octaviaUrl, lbdemo.token);
    certificatesApi = new NeutronApi(stack.apiUrl, lbdemo.token);
    services.push(
      ...(await pipelineServices({
        natsUrl: stack.nats.url,
        runRoot: join(work, 'run'),
        nodes: 2,
        driver: 'netns',
        prefix: PREFIX,
        schedulerSeed: 3,
        env: { LBAAS_CERTIFICATE_KEY_FILE: stack.certificateKeyFile },
      })),
    );
    for (const s of services) s.start();

    refs.www = await upload('www', leaves.www.certificatePem, leaves.www.privateKeyPem);
    refs.alpha = await upload('alpha', leaves.alpha.certificatePem, leaves.alpha.privateKeyPem);
    refs.beta = await upload('beta', leaves.beta.certificatePem, leaves.beta.privateKeyPem);
    // A CA bundle without its key; the other CA as an ordinary certificate with its key, as a CA reference took before kinds.
    refs.ca = await uploadKeyless('ca', 'ca', ca.certificatePem);
    refs.otherCa = await upload('other-ca', otherCa.certificatePem, readFileSync(otherCa.keyPath, 'utf8'));
    refs.crl = await uploadKeyless('crl', 'crl', await ca.revocationList([leaves.revoked]));

    const neutron = new NeutronApi(stack.apiUrl, lbdemo.token);
    const network = (await ok(neutron.post<{ network: Obj }>('/v2.0/networks', { network: { name: 'octls' } }), 201)).network;
    const subnet = (
      await ok(neutron.post<{ subnet: Obj }>('/v2.0/subnets', { subnet: { network_id: network.id, cidr: '198.18.1.0/24' } }), 201)
    ).subnet;
    lb = (await ok(v2.post<{ loadbalancer: Obj }>('/v2/lbaas/loadbalancers', { loadbalancer: { vip_subnet_id: subnet.id } }), 201))
      .loadbalancer;
    await active();
  }, 240_000);

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    for (const b of backends) b.kill('SIGKILL');
    await removeNamespaces(PREFIX);
    await stack?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  }, 60_000);

  it('serves the SNI certificate the client names, and the default certificate for any other name or none', async () => {
    const listener = await create('/v2/lbaas/listeners', 'listener', {
      loadbalancer_id: lb.id,
      protocol: 'TERMINATED_HTTPS',
      protocol_port: 443,
      default_tls_container_ref: refs.www,
      sni_container_refs: [refs.alpha, refs.beta],
    });
    await pool(listener.id, 80);
    await waitFor('an answer over TLS', async () => (await https(DEFAULT_HOST, 443)).code === 0, 30_000, 250);
    expect(await servedSubject(443, ALPHA_HOST)).toMatch(/^CN ?= ?alpha\.lbaas\.test$/);
    expect(await servedSubject(443, BETA_HOST)).toMatch(/^CN ?= ?beta\.lbaas\.test$/);
    expect(await servedSubject(443, DEFAULT_HOST)).toMatch(/^CN ?= ?www\.lbaas\.test$/);
    expect(await servedSubject(443, 'unknown.lbaas.test')).toMatch(/^CN ?= ?www\.lbaas\.test$/);
    expect(await servedSubject(443, null)).toMatch(/^CN ?= ?www\.lbaas\.test$/);
    // Each name verifies against the root with its own certificate (beta's through the intermediate it was uploaded with).
    for (const host of [ALPHA_HOST, BETA_HOST, DEFAULT_HOST]) {
      const { code, stdout, stderr } = await https(host, 443);
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      expect(['be-1', 'be-2']).toContain(stdout.trim());
    }
    // An unknown name gets the default certificate, which does not name it.
    expect([51, 60]).toContain((await https('unknown.lbaas.test', 443)).code);
  }, 240_000);

  it('refuses a client without a certificate, or with one of another CA, under MANDATORY client authentication, and passes the DN of one with', async () => {
    const listener = await create('/v2/lbaas/listeners', 'listener', {
      loadbalancer_id: lb.id,
      protocol: 'TERMINATED_HTTPS',
      protocol_port: 8443,
      default_tls_container_ref: refs.www,
      client_ca_tls_container_ref: refs.ca,
      client_authentication: 'MANDATORY',
      insert_headers: { 'X-SSL-Client-DN': 'true', 'X-SSL-Client-Verify': 'true', 'X-SSL-Client-CN': 'true' },
    });
    await pool(listener.id, 80);
    await waitFor(
      'an answer to the client with a certificate',
      async () => (await https(DEFAULT_HOST, 8443, '/headers', withCertificate(leaves.client))).code === 0,
      30_000,
      250,
    );
    const { stdout } = await https(DEFAULT_HOST, 8443, '/headers', withCertificate(leaves.client));
    const headers = echoed(stdout);
    expect(headers['x-ssl-client-verify']).toBe('0');
    expect(headers['x-ssl-client-dn']).toBe('/CN=client.lbaas.test');
    expect(headers['x-ssl-client-cn']).toBe('client.lbaas.test');
    // TLS 1.3 sends the client's certificate after the server's Finished: the refusal is the server's alert after
    // the handshake. openssl reads it before it sends anything (curl may write first and meet the reset instead).
    expect(await session(withCertificate(leaves.client))).toMatch(/HTTP\/1\.[01] 200/);
    for (const [args, alert] of [
      [[], /alert certificate required/],
      [withCertificate(leaves.stranger), /alert unknown ca/],
    ] as const) {
      const refused = await session([...args]);
      expect(refused).toMatch(alert);
      expect(refused).not.toMatch(/HTTP\/1\.[01] /);
    }
  }, 240_000);

  it('refuses a client whose certificate the revocation list names, and answers one it does not', async () => {
    const listener = await create('/v2/lbaas/listeners', 'listener', {
      loadbalancer_id: lb.id,
      protocol: 'TERMINATED_HTTPS',
      protocol_port: 8444,
      default_tls_container_ref: refs.www,
      client_ca_tls_container_ref: refs.ca,
      client_crl_container_ref: refs.crl,
      client_authentication: 'MANDATORY',
    });
    await pool(listener.id, 80);
    await waitFor(
      'an answer to the client whose certificate is not revoked',
      async () => /HTTP\/1\.[01] 200/.test(await session(withCertificate(leaves.client), 8444)),
      30_000,
      250,
    );
    const refused = await session(withCertificate(leaves.revoked), 8444);
    expect(refused).toMatch(/alert certificate revoked/);
    expect(refused).not.toMatch(/HTTP\/1\.[01] /);
    expect(await session([], 8444)).toMatch(/alert certificate required/);
  }, 240_000);

  it('answers a client without a certificate under OPTIONAL client authentication, and passes the DN of one with', async () => {
    const listener = await create('/v2/lbaas/listeners', 'listener', {
      loadbalancer_id: lb.id,
      protocol: 'TERMINATED_HTTPS',
      protocol_port: 8445,
      default_tls_container_ref: refs.www,
      client_ca_tls_container_ref: refs.ca,
      client_authentication: 'OPTIONAL',
      insert_headers: { 'X-SSL-Client-Has-Cert': 'true', 'X-SSL-Client-DN': 'true' },
    });
    await pool(listener.id, 80);
    await waitFor(
      'an answer to a client without a certificate',
      async () => (await https(DEFAULT_HOST, 8445, '/headers')).code === 0,
      30_000,
      250,
    );
    const without = echoed((await https(DEFAULT_HOST, 8445, '/headers')).stdout);
    expect(without['x-ssl-client-has-cert']).toBe('0');
    const { code, stdout } = await https(DEFAULT_HOST, 8445, '/headers', withCertificate(leaves.client));
    expect(code).toBe(0);
    const withOne = echoed(stdout);
    expect(withOne['x-ssl-client-has-cert']).toBe('1');
    expect(withOne['x-ssl-client-dn']).toBe('/CN=client.lbaas.test');
  }, 240_000);

  it("refuses, in Octavia's words, a revocation list as a listener's certificate and a CA bundle as a revocation list", async () => {
    const refused = async (body: Record<string, unknown>) => {
      const reply = await v2.post<{ faultcode: string; faultstring: string }>('/v2/lbaas/listeners', {
        listener: { loadbalancer_id: lb.id, protocol: 'TERMINATED_HTTPS', protocol_port: 9443, ...body },
      });
      expect(reply.status).toBe(400);
      return reply.body;
    };
    expect(await refused({ default_tls_container_ref: refs.crl })).toMatchObject({
      faultcode: 'Client',
      faultstring: `Could not retrieve certificate: ${refs.crl}`,
    });
    expect(await refused({ default_tls_container_ref: refs.www, sni_container_refs: [refs.ca] })).toMatchObject({
      faultstring: `Could not retrieve certificate: ${refs.ca}`,
    });
    expect(
      (await refused({ default_tls_container_ref: refs.www, client_ca_tls_container_ref: refs.ca, client_crl_container_ref: refs.ca }))
        .faultstring,
    ).toMatch(/^Validation failure: The certificate revocation list .* is invalid: it holds certificates \(kind ca\)/);
    // The v1 api shows what the revocation list is.
    const shown = (await ok(certificatesApi.get<{ certificate: Obj }>(`/v2.0/lb/certificates/${refs.crl}`))).certificate;
    expect(shown).toMatchObject({ kind: 'crl', hostnames: [], subject: 'LBaaS Test Root CA' });
  }, 60_000);

  it('re-encrypts towards members that serve TLS, verified by the CA that signed their certificate', async () => {
    const listener = await create('/v2/lbaas/listeners', 'listener', { loadbalancer_id: lb.id, protocol: 'HTTP', protocol_port: 8080 });
    reencrypting = await pool(listener.id, 443, { tls_enabled: true, ca_tls_container_ref: refs.ca });
    await create('/v2/lbaas/healthmonitors', 'healthmonitor', {
      pool_id: reencrypting.id,
      type: 'HTTPS',
      delay: 1,
      timeout: 1,
      max_retries: 1,
      max_retries_down: 1,
    });
    const plain = () => curl([`http://${lb.vip_address as string}:8080/headers`]);
    await waitFor('an answer through the re-encrypting pool', async () => (await plain()).code === 0, 30_000, 250);
    const seen = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const { code, stdout } = await plain();
      expect(code).toBe(0);
      // The members' only server on 443 speaks TLS: any answer came over it.
      seen.add((JSON.parse(stdout) as { name: string }).name);
    }
    expect([...seen].sort()).toEqual(['be-1', 'be-2']);
    await waitFor('both members ONLINE', async () => (await memberStatuses()).every((s) => s === 'ONLINE'), 30_000, 250);
  }, 240_000);

  it('marks the members down and answers 503 once the pool verifies them with a CA that did not sign their certificate', async () => {
    await ok(v2.put(`/v2/lbaas/pools/${reencrypting.id}`, { pool: { ca_tls_container_ref: refs.otherCa } }));
    await active();
    await waitFor('both members ERROR', async () => (await memberStatuses()).every((s) => s === 'ERROR'), 30_000, 250);
    const { code, stdout } = await curl(['-o', '/dev/null', '-w', '%{http_code}', `http://${lb.vip_address as string}:8080/`]);
    expect({ code, status: stdout }).toEqual({ code: 0, status: '503' });
    const shown = (await ok(v2.get<{ pool: Obj }>(`/v2/lbaas/pools/${reencrypting.id}`))).pool;
    expect(shown.operating_status).toBe('ERROR');
    // And back: the signing CA again brings them up.
    await ok(v2.put(`/v2/lbaas/pools/${reencrypting.id}`, { pool: { ca_tls_container_ref: refs.ca } }));
    await active();
    await waitFor('both members ONLINE again', async () => (await memberStatuses()).every((s) => s === 'ONLINE'), 30_000, 250);
  }, 240_000);
});
