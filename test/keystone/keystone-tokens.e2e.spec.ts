import { waitFor } from '@lbaas/testing';
import { type NeutronErrorBody, type Network, type Pool, type Subnet } from '../acceptance/neutron-api';
import { type KeystoneStack, startKeystoneStack } from './keystone-stack';

interface Answer<T = unknown> {
  status: number;
  body: T;
  challenge: string | null;
}

async function call<T = unknown>(apiUrl: string, token: string, method: string, path: string, body?: unknown): Promise<Answer<T>> {
  const response = await fetch(`${apiUrl}${path}`, {
    method,
    headers: { 'X-Auth-Token': token, Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T, challenge: response.headers.get('www-authenticate') };
}

const escaped = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
/** keystonemiddleware's challenge: the public auth URL, with or without its /v3. */
const challengeOf = (ks: KeystoneStack): RegExp => new RegExp(`^Keystone uri="${escaped(ks.keystone.publicUrl)}(/v3)?/?"$`);

describe('Keystone tokens at the api', () => {
  describe('roles, projects, bad tokens and a Keystone that dies', () => {
    let ks: KeystoneStack;
    let api: string;
    let demoPool: Pool;
    let otherPool: Pool;
    const token: Record<'demo' | 'reader' | 'other' | 'admin', string> = { demo: '', reader: '', other: '', admin: '' };

    const createPool = async (as: string, cidr: string, name: string): Promise<Pool> => {
      const network = await call<{ network: Network }>(api, as, 'POST', '/v2.0/networks', { network: { name } });
      const subnet = await call<{ subnet: Subnet }>(api, as, 'POST', '/v2.0/subnets', {
        subnet: { network_id: network.body.network.id, cidr, ip_version: 4 },
      });
      const pool = await call<{ pool: Pool }>(api, as, 'POST', '/v2.0/lb/pools', {
        pool: { name, subnet_id: subnet.body.subnet.id, protocol: 'HTTP', lb_method: 'ROUND_ROBIN' },
      });
      expect(pool.status).toBe(201);
      return pool.body.pool;
    };

    beforeAll(async () => {
      ks = await startKeystoneStack();
      api = ks.stack.apiUrl;
      token.demo = await ks.keystone.token('demo');
      token.reader = await ks.keystone.token('demo-reader');
      token.other = await ks.keystone.token('other');
      token.admin = await ks.keystone.token('admin');
      demoPool = await createPool(token.demo, '198.18.40.0/24', 'demo-pool');
      otherPool = await createPool(token.other, '198.18.41.0/24', 'other-pool');
    }, 240_000);
    afterAll(() => ks?.stop(), 60_000);

    it("gives a member its own project: the token's project is the tenant", () => {
      expect(demoPool.tenant_id).toBe(ks.keystone.projects.demo);
      expect(otherPool.tenant_id).toBe(ks.keystone.projects.other);
    });

    it("lets a reader read its project and refuses its writes with 403 in Neutron's format", async () => {
      expect((await call(api, token.reader, 'GET', `/v2.0/lb/pools/${demoPool.id}`)).status).toBe(200);
      const writes = [
        await call<NeutronErrorBody>(api, token.reader, 'POST', '/v2.0/lb/pools', {
          pool: { name: 'x', subnet_id: demoPool.subnet_id, protocol: 'HTTP', lb_method: 'ROUND_ROBIN' },
        }),
        await call<NeutronErrorBody>(api, token.reader, 'PUT', `/v2.0/lb/pools/${demoPool.id}`, { pool: { name: 'renamed' } }),
        await call<NeutronErrorBody>(api, token.reader, 'DELETE', `/v2.0/lb/pools/${demoPool.id}`),
      ];
      for (const write of writes) {
        expect(write.status).toBe(403);
        expect(write.body.NeutronError.type).toBe('PolicyNotAuthorized');
      }
      expect((await call<{ pool: Pool }>(api, token.demo, 'GET', `/v2.0/lb/pools/${demoPool.id}`)).body.pool.name).toBe('demo-pool');
    });

    it("answers 404, as Neutron does, for another project's objects", async () => {
      for (const [method, body] of [
        ['GET', undefined],
        ['PUT', { pool: { name: 'taken' } }],
        ['DELETE', undefined],
      ] as const) {
        const answer = await call<NeutronErrorBody>(api, token.other, method, `/v2.0/lb/pools/${demoPool.id}`, body);
        expect(answer.status).toBe(404);
        expect(answer.body.NeutronError.type).toBe('PoolNotFound');
      }
      const listed = await call<{ pools: Pool[] }>(api, token.other, 'GET', '/v2.0/lb/pools');
      expect(listed.body.pools.map((p) => p.id)).toEqual([otherPool.id]);
    });

    it('shows an admin every project', async () => {
      const listed = await call<{ pools: Pool[] }>(api, token.admin, 'GET', '/v2.0/lb/pools');
      expect(listed.body.pools.map((p) => p.id).sort()).toEqual([demoPool.id, otherPool.id].sort());
      expect(
        (await call(api, token.admin, 'PUT', `/v2.0/lb/pools/${otherPool.id}`, { pool: { description: 'seen by admin' } })).status,
      ).toBe(200);
    });

    it('refuses garbage and oversized tokens with 401 and a challenge, without a request to Keystone for each', async () => {
      const before = await ks.keystone.requestCount();
      const garbage = 'gAAAAABnot-a-fernet-token-0123456789abcdefghijklmnopqrstuvwxyz';
      const oversized = 'x'.repeat(12_000);
      const answers: Answer<NeutronErrorBody>[] = [];
      for (let i = 0; i < 50; i++) answers.push(await call<NeutronErrorBody>(api, garbage, 'GET', '/v2.0/lb/pools'));
      for (let i = 0; i < 50; i++) answers.push(await call<NeutronErrorBody>(api, oversized, 'GET', '/v2.0/lb/pools'));
      for (const answer of answers) {
        expect(answer.status).toBe(401);
        expect(answer.body.NeutronError.type).toBe('HTTPUnauthorized');
        expect(answer.challenge).toMatch(challengeOf(ks));
      }
      // One validation of the garbage token (then its negative cache), none of the oversized one,
      // and perhaps a new service token: a handful, never one per request.
      const afterBadTokens = await ks.keystone.requestCount();
      expect(afterBadTokens - before).toBeLessThanOrEqual(3);
      // The count's positive control: a new good token's first use is validated at Keystone.
      expect((await call(api, await ks.keystone.token('demo'), 'GET', '/v2.0/lb/pools')).status).toBe(200);
      expect(await ks.keystone.requestCount()).toBeGreaterThanOrEqual(afterBadTokens + 2);
    });

    it('keeps cached tokens working while Keystone is SIGKILLed, answers 503 for the others, and recovers without a restart', async () => {
      const cached = token.demo;
      expect((await call(api, cached, 'GET', '/v2.0/lb/pools')).status).toBe(200);
      const uncached = await ks.keystone.token('demo');
      const apiPid = ks.stack.services.api.pid();

      await ks.keystone.kill();
      expect((await call(api, cached, 'GET', '/v2.0/lb/pools')).status).toBe(200);
      expect((await call(api, ks.stack.tokens.demo.token, 'GET', '/v2.0/lb/pools')).status).toBe(200);
      const unavailable = await call<NeutronErrorBody>(api, uncached, 'GET', '/v2.0/lb/pools');
      expect(unavailable.status).toBe(503);
      expect(unavailable.body.NeutronError.type).toBe('ServiceUnavailable');
      expect(unavailable.body.NeutronError.message).not.toContain(uncached);

      await ks.keystone.start();
      await waitFor(
        'the uncached token accepted again',
        async () => (await call(api, uncached, 'GET', '/v2.0/lb/pools')).status === 200,
        60_000,
        200,
      );
      expect((await call(api, await ks.keystone.token('demo'), 'GET', '/v2.0/lb/pools')).status).toBe(200);
      expect(ks.stack.services.api.pid()).toBe(apiPid);
    });
  });

  describe('revocation, with a 2 s cache', () => {
    let ks: KeystoneStack;
    beforeAll(async () => {
      ks = await startKeystoneStack({ cacheTtlS: 2 });
    }, 240_000);
    afterAll(() => ks?.stop(), 60_000);

    it('stops accepting a revoked token once its cache entry has lapsed, while a token issued with it stays good', async () => {
      const revoked = await ks.keystone.token('demo');
      const kept = await ks.keystone.token('demo');
      for (const t of [revoked, kept]) expect((await call(ks.stack.apiUrl, t, 'GET', '/v2.0/lb/pools')).status).toBe(200);
      await ks.keystone.revoke(revoked);
      await waitFor(
        'the revoked token refused',
        async () => (await call(ks.stack.apiUrl, revoked, 'GET', '/v2.0/lb/pools')).status === 401,
        60_000,
        200,
      );
      expect((await call(ks.stack.apiUrl, kept, 'GET', '/v2.0/lb/pools')).status).toBe(200);
      const refused = await call<NeutronErrorBody>(ks.stack.apiUrl, revoked, 'GET', '/v2.0/lb/pools');
      expect([refused.status, refused.body.NeutronError.type]).toEqual([401, 'HTTPUnauthorized']);
      expect(refused.challenge).toMatch(challengeOf(ks));
    });
  });

  describe('expiry, with tokens that live 5 s', () => {
    let ks: KeystoneStack;
    beforeAll(async () => {
      ks = await startKeystoneStack({ tokenExpirationS: 5 });
    }, 240_000);
    afterAll(() => ks?.stop(), 60_000);

    it("refuses an expired token with 401 and Keystone's challenge, though the cache TTL is longer", async () => {
      const expiring = await ks.keystone.token('demo');
      expect((await call(ks.stack.apiUrl, expiring, 'GET', '/v2.0/lb/pools')).status).toBe(200);
      await waitFor(
        'the expired token refused',
        async () => (await call(ks.stack.apiUrl, expiring, 'GET', '/v2.0/lb/pools')).status === 401,
        60_000,
        250,
      );
      const refused = await call<NeutronErrorBody>(ks.stack.apiUrl, expiring, 'GET', '/v2.0/lb/pools');
      expect(refused.body.NeutronError.type).toBe('HTTPUnauthorized');
      expect(refused.challenge).toMatch(challengeOf(ks));
      expect((await call(ks.stack.apiUrl, await ks.keystone.token('demo'), 'GET', '/v2.0/lb/pools')).status).toBe(200);
    });
  });
});
