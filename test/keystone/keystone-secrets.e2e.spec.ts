import { builtService, freePort, type ServiceProcess, spawnService, waitFor } from '@lbaas/testing';
import { connect, type NatsConnection } from 'nats';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NeutronApi } from '../acceptance/neutron-api';
import { authEnv, type KeystoneStack, startKeystoneStack } from './keystone-stack';

/** A Fernet token as Keystone issues them (the version byte 0x80, base64url): any of them, the api's own service token too. */
const FERNET = /gAAAAA[A-Za-z0-9_-]{40,}/;

/**
 * test/security/secrets.e2e.spec.ts's grep, for Keystone: no token (the users', a revoked one,
 * one the dashboard got for a password, the api's own service token) and no password (the
 * service user's, the users') appears in any service's log, the event log, the audit and
 * read-model databases, or the metrics.
 */
describe('Keystone tokens and passwords stay out of logs, events, the audit trail and metrics', () => {
  let ks: KeystoneStack;
  let nc: NatsConnection;
  let dashboardUrl: string;
  let auditDb: string;
  const services: ServiceProcess[] = [];

  beforeAll(async () => {
    ks = await startKeystoneStack({ cacheTtlS: 2 });
    auditDb = join(ks.stack.dir, 'audit.sqlite');
    const port = await freePort();
    dashboardUrl = `http://127.0.0.1:${port}`;
    services.push(
      spawnService('audit', builtService('audit'), {
        LBAAS_NATS_URL: ks.stack.nats.url,
        LBAAS_HEALTH_PORT: String(await freePort()),
        LBAAS_AUDIT_DB: auditDb,
      }),
      spawnService('dashboard', builtService('dashboard'), {
        ...authEnv(ks, join(ks.stack.dir, 'tokens.json')),
        LBAAS_NATS_URL: ks.stack.nats.url,
        LBAAS_HEALTH_HOST: '127.0.0.1',
        LBAAS_HEALTH_PORT: String(port),
      }),
    );
    await waitFor(
      'the dashboard to be ready',
      async () => (await fetch(`${dashboardUrl}/readyz`).catch(() => null))?.ok === true,
      60_000,
      100,
    );
    nc = await connect({ servers: ks.stack.nats.url });
  }, 240_000);

  afterAll(async () => {
    await nc?.close();
    await Promise.all(services.map((s) => s.stop()));
    await ks?.stop();
  }, 60_000);

  it('finds none of them anywhere a user or an operator can read', async () => {
    const tokens = {
      demo: await ks.keystone.token('demo'),
      reader: await ks.keystone.token('demo-reader'),
      admin: await ks.keystone.token('admin'),
    };
    const demo = new NeutronApi(ks.stack.apiUrl, tokens.demo);
    const net = await demo.create<{ id: string }>('/v2.0/networks', 'network', { name: 'secrets' });
    const subnet = await demo.create<{ id: string }>('/v2.0/subnets', 'subnet', {
      network_id: net.id,
      cidr: '198.18.42.0/24',
      ip_version: 4,
    });
    const pool = await demo.create<{ id: string }>('/v2.0/lb/pools', 'pool', {
      name: 'p',
      subnet_id: subnet.id,
      protocol: 'HTTP',
      lb_method: 'ROUND_ROBIN',
    });
    expect((await demo.as(tokens.reader).put(`/v2.0/lb/pools/${pool.id}`, { pool: { name: 'no' } })).status).toBe(403);
    expect((await demo.as(tokens.admin).get('/v2.0/lb/pools')).status).toBe(200);
    const revoked = await ks.keystone.token('demo');
    expect((await demo.as(revoked).get('/v2.0/lb/pools')).status).toBe(200);
    await ks.keystone.revoke(revoked);
    await waitFor('the revoked token refused', async () => (await demo.as(revoked).get('/v2.0/lb/pools')).status === 401, 60_000, 200);
    const garbage = 'not-a-keystone-token-but-still-secret-0123456789';
    expect((await demo.as(garbage).get('/v2.0/lb/pools')).status).toBe(401);

    // The dashboard: a sign-in with a password, a wrong one, and its stream with the token it got.
    const signIn = (password: string) =>
      fetch(`${dashboardUrl}/api/sign-in`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: 'demo', password }),
      });
    const signedIn = (await (await signIn(ks.keystone.passwords.demo)).json()) as { token: string };
    expect(signedIn.token).toMatch(FERNET);
    const wrongPassword = 'wrong-password-that-is-secret-too';
    expect((await signIn(wrongPassword)).status).toBe(401);
    const stream = await fetch(`${dashboardUrl}/api/stream?token=${encodeURIComponent(signedIn.token)}`);
    const reader = stream.body?.getReader();
    const snapshot = new TextDecoder().decode((await reader?.read())?.value);
    await reader?.cancel();
    expect(snapshot).toContain(pool.id);

    const servicePassword = readFileSync(ks.keystone.passwordFile, 'utf8').trim();
    expect(servicePassword.length).toBeGreaterThanOrEqual(16);
    const needles: [string, string][] = [
      ...Object.entries(tokens),
      ['revoked token', revoked],
      ['garbage token', garbage],
      ["the dashboard's token", signedIn.token],
      ['service password', servicePassword],
      ['wrong password', wrongPassword],
      ...Object.entries(ks.keystone.passwords).map(([user, password]): [string, string] => [`${user}'s password`, password]),
    ];

    const places: [string, string][] = [];
    const jsm = await nc.jetstreamManager();
    const { state } = await jsm.streams.info('LBAAS_EVENTS');
    const auditedTo = (): number => {
      try {
        const verify = execFileSync(process.execPath, [builtService('cli'), 'audit', 'verify'], {
          encoding: 'utf8',
          env: { ...process.env, LBAAS_AUDIT_DB: auditDb },
        });
        return Number(/to (\d+) contiguous/.exec(verify)?.[1] ?? 0);
      } catch {
        return 0;
      }
    };
    await waitFor('the audit trail holding the whole log', () => auditedTo() >= state.last_seq, 30_000, 200);
    for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
      places.push([`event log seq ${seq}`, new TextDecoder().decode((await jsm.streams.getMessage('LBAAS_EVENTS', { seq })).data)]);
    }
    for (const s of [...services, ks.stack.services.api, ks.stack.services.projections]) places.push([`${s.name}'s log`, s.logs()]);
    places.push(["the api's metrics", await (await fetch(`${ks.stack.apiUrl}/metrics`)).text()]);
    places.push(["the dashboard's metrics", await (await fetch(`${dashboardUrl}/metrics`)).text()]);
    const database = (path: string): string =>
      [path, `${path}-wal`]
        .filter(existsSync)
        .map((p) => readFileSync(p).toString('latin1'))
        .join('');
    places.push(['the audit store', database(auditDb)]);
    places.push(['the read models', database(join(ks.stack.dir, 'read-models.sqlite'))]);

    const found = needles.flatMap(([what, needle]) =>
      places.filter(([, text]) => text.includes(needle)).map(([where]) => `${what} in ${where}`),
    );
    expect(found).toEqual([]);
    expect(places.filter(([, text]) => FERNET.test(text)).map(([where]) => where)).toEqual([]);
    // The positive controls: the places searched hold the Keystone user's work and name.
    const actor = `keystone:${ks.keystone.users.demo}:demo`;
    expect(places.filter(([, text]) => text.includes(actor)).map(([where]) => where)).toEqual(
      expect.arrayContaining(['the audit store', expect.stringMatching(/^event log seq/)]),
    );
    expect(places.find(([where]) => where === "api's log")?.[1]).toContain('"status":403');
    expect(places.find(([where]) => where === "the api's metrics")?.[1]).toContain('lbaas_');
  });
});
