import { builtService, freePort, makeTestCa, type ServiceProcess, spawnService, type Stack, startStack, waitFor } from '@lbaas/testing';
import { connect, type NatsConnection } from 'nats';
import { execFileSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NeutronApi } from '../acceptance/neutron-api';

interface ServiceInstance {
  id: string;
  config: { uuid: string; haproxy_sha256: string }[];
}

/**
 * The stats password of every HAProxy pair and the deployment key it derives from live in two
 * places only: the rendered haproxy.cfg and the key file; a certificate's private key and the
 * certificate key that seals it, only in what the tenant sent, the agents' 0600 files and the
 * key file. A grep of everything else a user or an operator can read (the event log, every
 * service's log, API responses, the dashboard's stream, the audit and read-model databases)
 * finds none of them.
 */
describe('secrets stay out of events, logs, API responses, the dashboard and the stores', () => {
  let stack: Stack;
  let nc: NatsConnection;
  let dir: string;
  const services: ServiceProcess[] = [];
  let dashboardUrl = '';

  beforeAll(async () => {
    stack = await startStack();
    dir = mkdtempSync(join(tmpdir(), 'lbt-secrets-'));
    const tokensFile = join(dir, 'tokens.json');
    writeFileSync(tokensFile, JSON.stringify(stack.tokens), { mode: 0o600 });
    const env = {
      LBAAS_NATS_URL: stack.nats.url,
      LBAAS_SECRET_KEY_FILE: join(dir, 'secret.key'),
      LBAAS_RUN_DIR: join(dir, 'run'),
      LBAAS_NODE_SILENCE_MS: '2000',
      LBAAS_CERTIFICATE_KEY_FILE: stack.certificateKeyFile,
    };
    const dashboardPort = await freePort();
    dashboardUrl = `http://127.0.0.1:${dashboardPort}`;
    services.push(
      spawnService('scheduler', builtService('scheduler'), { ...env, LBAAS_HEALTH_PORT: String(await freePort()) }),
      spawnService('config-renderer', builtService('config-renderer'), { ...env, LBAAS_HEALTH_PORT: String(await freePort()) }),
      spawnService('audit', builtService('audit'), {
        ...env,
        LBAAS_HEALTH_PORT: String(await freePort()),
        LBAAS_AUDIT_DB: join(dir, 'audit.sqlite'),
      }),
      spawnService('dashboard', builtService('dashboard'), {
        ...env,
        LBAAS_HEALTH_PORT: String(dashboardPort),
        LBAAS_TOKENS_FILE: tokensFile,
      }),
    );
    for (const n of [1, 2]) {
      services.push(
        spawnService(
          `node-${n}`,
          builtService('node-agent'),
          {
            ...env,
            LBAAS_HEALTH_PORT: String(await freePort()),
            LBAAS_NODE_DRIVER: 'fake',
            LBAAS_HEARTBEAT_MS: '300',
          },
          [`secret-node-${n}`],
        ),
      );
    }
    nc = await connect({ servers: stack.nats.url });
  }, 120_000);

  afterAll(async () => {
    await nc?.close();
    await Promise.all(services.map((s) => s.stop()));
    await stack?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it("finds the stats password only in the rendered haproxy.cfg, and a certificate's private key nowhere", async () => {
    const demo = new NeutronApi(stack.apiUrl, stack.tokens.demo.token);
    const admin = demo.as(stack.tokens.admin.token);
    const ca = await makeTestCa(join(dir, 'ca'));
    const leaf = await ca.issue(['www.lbaas.test'], { intermediate: true });
    const uploaded = await demo.post<{ certificate: { id: string } }>('/v2.0/lb/certificates', {
      certificate: { name: 'www', description: 'secrets', certificate: leaf.certificatePem, private_key: leaf.privateKeyPem },
    });
    expect(uploaded.status).toBe(201);
    const certificateId = uploaded.body.certificate.id;
    // New material in place: the second key must stay out of everything as the first.
    const next = await ca.issue(['www.lbaas.test'], { keyType: 'rsa' });
    expect(
      (
        await demo.put(`/v2.0/lb/certificates/${certificateId}`, {
          certificate: { certificate: next.certificatePem, private_key: next.privateKeyPem },
        })
      ).status,
    ).toBe(200);
    const net = await demo.create<{ id: string }>('/v2.0/networks', 'network', { name: 'secrets' });
    const subnet = await demo.create<{ id: string }>('/v2.0/subnets', 'subnet', {
      network_id: net.id,
      cidr: '198.18.30.0/24',
      ip_version: 4,
    });
    const pool = await demo.create<{ id: string }>('/v2.0/lb/pools', 'pool', {
      name: 'p',
      subnet_id: subnet.id,
      protocol: 'HTTP',
      lb_method: 'ROUND_ROBIN',
    });
    await demo.create('/v2.0/lb/members', 'member', { pool_id: pool.id, address: '198.18.30.11', protocol_port: 80 });
    // The fake driver opens no key, but the config renderer and the agents see the VIP use it.
    const vip = await demo.create<{ id: string }>('/v2.0/lb/vips', 'vip', {
      name: 'v',
      subnet_id: subnet.id,
      protocol: 'HTTP',
      protocol_port: 443,
      pool_id: pool.id,
      tls_certificate_id: certificateId,
    });
    await waitFor(
      'the VIP ACTIVE on the fake nodes',
      async () => (await demo.get<{ vip: { status: string } }>(`/v2.0/lb/vips/${vip.id}`)).body.vip.status === 'ACTIVE',
      60_000,
      200,
    );
    const si = (await admin.get<{ service_instances: ServiceInstance[] }>(`/v2.0/lb/service_instances?vip_id=${vip.id}`)).body
      .service_instances[0];

    // The positive control: the password is in the file HAProxy reads.
    const configs = await nc.jetstream().views.os('lbaas_configs');
    const file = new TextDecoder().decode((await configs.getBlob(si.config[0].haproxy_sha256)) ?? new Uint8Array());
    const password = /stats auth \S+:(\S+)/.exec(file)?.[1] ?? '';
    expect(password.length).toBeGreaterThanOrEqual(20);
    const key = readFileSync(join(dir, 'secret.key')).toString('utf8').trim();
    // The certificate key: its file's 64 hex characters, and the 32 bytes they stand for in base64.
    const sealing = readFileSync(stack.certificateKeyFile, 'utf8').trim();
    expect(sealing).toMatch(/^[0-9a-f]{64}$/);
    const sealingForms = [sealing, sealing.toUpperCase(), Buffer.from(sealing, 'hex').toString('base64')];
    // Each private key as sent and as the api may have re-encoded it (PKCS#8, or PKCS#1 / SEC1):
    // the whole PEM, its body on one line, each line of its body (the longest among them), the
    // PEM in base64, and the DER in hex.
    const encodings = (pem: string): string[] => {
      const key = createPrivateKey(pem);
      const traditional = key.asymmetricKeyType === 'rsa' ? 'pkcs1' : 'sec1';
      return [pem, key.export({ type: 'pkcs8', format: 'pem' }).toString(), key.export({ type: traditional, format: 'pem' }).toString()];
    };
    // A line of a key's PEM that holds only public bytes (the public key) may be in a certificate: not a needle.
    const certificatesDer = [leaf.certificatePem, next.certificatePem]
      .flatMap((pem) => pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [])
      .map((pem) => new X509Certificate(pem).raw);
    const isPublic = (line: string): boolean => certificatesDer.some((der) => der.includes(Buffer.from(line, 'base64')));
    const privateForms = [
      ...new Set(
        [leaf.privateKeyPem, next.privateKeyPem]
          .flatMap(encodings)
          .flatMap((pem) => [
            pem,
            pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''),
            Buffer.from(pem).toString('base64'),
            Buffer.from(pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64').toString('hex'),
            ...pem.split('\n').filter((line) => line.length >= 32 && !line.startsWith('-----') && !isPublic(line)),
          ]),
      ),
    ];
    expect(privateForms.length).toBeGreaterThanOrEqual(16);

    const places: [string, string][] = [];
    // Every message of the event log, as stored.
    const jsm = await nc.jetstreamManager();
    const { state } = await jsm.streams.info('LBAAS_EVENTS');
    const auditVerify = (): string => {
      try {
        return execFileSync(process.execPath, [builtService('cli'), 'audit', 'verify'], {
          encoding: 'utf8',
          env: { ...process.env, LBAAS_AUDIT_DB: join(dir, 'audit.sqlite') },
        });
      } catch {
        return '';
      }
    };
    // The agents keep reporting, so the audit may already be past the sequence read above.
    const auditedTo = (): number => Number(/to (\d+) contiguous/.exec(auditVerify())?.[1] ?? 0);
    await waitFor('the audit trail holding the whole log', () => auditedTo() >= state.last_seq, 30_000, 200);
    for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
      places.push([`event log seq ${seq}`, new TextDecoder().decode((await jsm.streams.getMessage('LBAAS_EVENTS', { seq })).data)]);
    }
    for (const s of [...services, stack.services.api, stack.services.projections]) places.push([`${s.name}'s log`, s.logs()]);
    for (const path of [
      '/v2.0/lb/vips',
      '/v2.0/lb/pools',
      '/v2.0/lb/members',
      '/v2.0/lb/health_monitors',
      '/v2.0/lb/service_instances',
      '/v2.0/lb/nodes',
      `/v2.0/lb/service_instances/${si.id}`,
      `/v2.0/lb/pools/${pool.id}/stats`,
      '/v2.0/ports',
      '/v2.0/networks',
      '/v2.0/subnets',
      '/v2.0/lb/certificates',
      `/v2.0/lb/certificates/${certificateId}`,
      `/v2.0/lb/vips/${vip.id}`,
    ]) {
      places.push([`GET ${path}`, JSON.stringify((await admin.get(path)).body)]);
    }
    const stream = await fetch(`${dashboardUrl}/api/stream`, { headers: { 'X-Auth-Token': stack.tokens.admin.token } });
    const reader = stream.body?.getReader();
    places.push(["the dashboard's snapshot", new TextDecoder().decode((await reader?.read())?.value)]);
    await reader?.cancel();
    for (const id of [vip.id, certificateId]) {
      places.push([
        `the dashboard's timeline of ${id}`,
        await (await fetch(`${dashboardUrl}/api/timeline?id=${id}`, { headers: { 'X-Auth-Token': stack.tokens.admin.token } })).text(),
      ]);
    }
    // The tenant's own reads too, not only the admin's.
    for (const path of ['/v2.0/lb/certificates', `/v2.0/lb/certificates/${certificateId}`])
      places.push([`the tenant's GET ${path}`, (await demo.get(path)).text]);
    // A SQLite file in WAL mode keeps its newest pages beside it.
    const database = (path: string): string =>
      [path, `${path}-wal`]
        .filter(existsSync)
        .map((p) => readFileSync(p).toString('latin1'))
        .join('');
    places.push(['the audit store', database(join(dir, 'audit.sqlite'))]);
    places.push(['the read models', database(join(stack.dir, 'read-models.sqlite'))]);

    expect(places.filter(([, text]) => text.includes(password)).map(([where]) => where)).toEqual([]);
    expect(places.filter(([, text]) => text.includes(key)).map(([where]) => where)).toEqual([]);
    expect(places.filter(([, text]) => sealingForms.some((f) => text.includes(f))).map(([where]) => where)).toEqual([]);
    expect(places.filter(([, text]) => text.includes('PRIVATE KEY')).map(([where]) => where)).toEqual([]);
    expect(places.filter(([, text]) => privateForms.some((f) => text.includes(f))).map(([where]) => where)).toEqual([]);
    // The positive controls: the places searched do hold the certificate (public) and its sealed key's events.
    expect(places.find(([where]) => where === `GET /v2.0/lb/certificates/${certificateId}`)?.[1]).toContain(certificateId);
    const holding = (text: string): string[] => places.filter(([, t]) => t.includes(text)).map(([where]) => where);
    expect(holding('CertificateCreated')).toEqual(expect.arrayContaining([expect.stringMatching(/^event log seq/), 'the audit store']));
    expect(holding('CertificateReplaced')).toEqual(expect.arrayContaining([expect.stringMatching(/^event log seq/), 'the audit store']));
    expect(holding(certificateId)).toEqual(expect.arrayContaining(['the read models', `the dashboard's timeline of ${certificateId}`]));
    expect(places.find(([where]) => where === "the dashboard's snapshot")?.[1]).toContain(vip.id);
  });
});
