import { AuthenticationError, type Authenticator, type Principal } from '@lbaas/identity';
import { ServiceMetrics } from '@lbaas/service-shell';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type DashboardSource, serveDashboard, viewerOf } from './dashboard-http';
import type { KeystoneSignIn, PasswordSignIn } from './keystone-sign-in';
import { LiveStreamHub } from './live-stream-hub';

const KEYSTONE_USER: Principal = {
  actor: 'keystone:u-1:demo',
  tenantId: 'p-demo',
  roles: ['member', 'reader'],
  source: 'keystone',
  userId: 'u-1',
  userName: 'demo',
};
const DEV_ADMIN: Principal = { actor: 'admin', tenantId: 't-admin', roles: ['admin'], source: 'tokens', userId: null, userName: null };

/** Tokens as an authenticator sees them: two known, one whose identity source is down. */
const authenticator: Authenticator = {
  async authenticate(token) {
    if (token === 'keystone-token') return KEYSTONE_USER;
    if (token === 'admin-token') return DEV_ADMIN;
    if (token === 'while-keystone-is-down') throw new AuthenticationError('unavailable', 'Keystone does not answer.');
    throw new AuthenticationError('unauthenticated', 'Authentication required.');
  },
};

/** The sign-in form's Keystone: demo/right gets a token, demo/foreign one the authenticator refuses, anything else is refused. */
const keystone = {
  async signIn(form: PasswordSignIn) {
    if (form.username === 'demo' && form.password === 'right') return 'keystone-token';
    if (form.username === 'demo' && form.password === 'foreign') return 'a-token-of-another-keystone';
    if (form.username === 'down')
      throw new AuthenticationError('unavailable', 'Keystone does not answer (connect ECONNREFUSED); try again shortly.');
    throw new AuthenticationError('unauthenticated', 'Keystone refused: The request you have made requires authentication.');
  },
} as unknown as KeystoneSignIn;

const source: DashboardSource = {
  notReady: () => null,
  caughtUp: Promise.resolve(),
  health: () => ({}),
  snapshot: () => {
    throw new Error('not in this spec');
  },
  timelineOf: (id) => ({ id, relatedIds: [], events: [], total: 0 }),
};

describe('viewerOf', () => {
  it("names a Keystone user by name and an administrator by the policy's all-projects rule", () => {
    expect(viewerOf(KEYSTONE_USER)).toEqual({ actor: 'keystone:u-1:demo', name: 'demo', tenantId: 'p-demo', admin: false });
    expect(viewerOf(DEV_ADMIN)).toEqual({ actor: 'admin', name: 'admin', tenantId: 't-admin', admin: true });
  });
});

describe('the dashboard HTTP edge', () => {
  let server: Server;
  let base: string;
  const hub = new LiveStreamHub();

  beforeAll(async () => {
    server = await serveDashboard({
      host: '127.0.0.1',
      port: 0,
      authenticator,
      keystone,
      source,
      hub,
      metrics: new ServiceMetrics('dashboard'),
      staticDir: '/nonexistent',
      scriptDir: '/nonexistent',
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    hub.close();
    await new Promise((resolve) => server.close(resolve));
  });

  const session = (token: string) => fetch(`${base}/api/session`, { headers: { 'X-Auth-Token': token } });
  const signIn = (body: unknown, contentType = 'application/json') =>
    fetch(`${base}/api/sign-in`, {
      method: 'POST',
      headers: { 'Content-Type': contentType },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('answers a session for a token the authenticator accepts, 401 for one it refuses, 503 while it cannot answer', async () => {
    expect(await (await session('keystone-token')).json()).toEqual({ viewer: viewerOf(KEYSTONE_USER) });
    expect((await session('unknown')).status).toBe(401);
    const down = await session('while-keystone-is-down');
    expect([down.status, await down.json()]).toEqual([503, { error: 'Keystone does not answer.' }]);
  });

  it("answers a browser's icon request with no content, so no page logs a 404 for it", async () => {
    const icon = await fetch(`${base}/favicon.ico`);
    expect([icon.status, await icon.text()]).toEqual([204, '']);
  });

  it('signs in with a Keystone user name and password, answering the token and the viewer', async () => {
    const answer = await signIn({ username: 'demo', password: 'right' });
    expect([answer.status, await answer.json()]).toEqual([200, { token: 'keystone-token', viewer: viewerOf(KEYSTONE_USER) }]);
  });

  it.each([
    [{ username: 'demo', password: 'wrong' }, 401, 'Keystone refused: The request you have made requires authentication.'],
    [{ username: 'down', password: 'x' }, 503, 'Keystone does not answer (connect ECONNREFUSED); try again shortly.'],
    [
      { username: 'demo', password: 'foreign' },
      401,
      'Keystone signed you in, but this dashboard does not accept Keystone tokens (see LBAAS_AUTH).',
    ],
    [{ username: 'demo' }, 400, 'password must be a string of 1 to 255 characters'],
    [{ username: 'demo', password: 'x'.repeat(256) }, 400, 'password must be a string of 1 to 255 characters'],
    ['{"username": ', 400, 'the form is not JSON'],
  ])('refuses the sign-in %j with %i', async (body, status, error) => {
    const answer = await signIn(body);
    expect([answer.status, await answer.json()]).toEqual([status, { error }]);
  });

  it('takes the sign-in form only as JSON and only by POST', async () => {
    expect((await signIn('username=demo&password=right', 'application/x-www-form-urlencoded')).status).toBe(400);
    expect((await fetch(`${base}/api/sign-in`)).status).toBe(401);
    expect((await signIn({ username: 'demo', password: 'x'.repeat(20_000) })).status).toBe(400);
  });
});
