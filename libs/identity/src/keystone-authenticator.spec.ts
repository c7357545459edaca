import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeKeystone, rejection, tokenBody, until } from './fake-keystone.spec-support';
import { KeystoneAuthenticator, type KeystoneAuthenticatorOptions } from './keystone-authenticator';
import type { IdentityLog } from './keystone-client';
import type { Principal } from './principal';

const START = Date.parse('2030-01-01T00:00:00Z');
const HOUR = 3_600_000;
const DEMO_USER = { id: 'u-demo', name: 'demo' };
const fernet = (name: string) => `gAAAAAB${name}${'Q'.repeat(180 - name.length)}`;
const DEMO = fernet('demo');
const OTHER = fernet('other');
const BAD = fernet('bad');

describe('KeystoneAuthenticator', () => {
  let keystone: FakeKeystone;
  let dir: string;
  let now: number;
  let logged: unknown[];
  const log: IdentityLog = { warn: (...call) => logged.push(call), error: (...call) => logged.push(call) };

  function authenticator(options: Partial<KeystoneAuthenticatorOptions> = {}): KeystoneAuthenticator {
    return new KeystoneAuthenticator({
      url: keystone.url, publicUrl: 'http://keystone.lbaas.test:5000/v3', cacheTtlS: 300, negativeTtlS: 10, timeoutMs: 2000,
      serviceUser: { name: 'lbaas', project: 'service', domain: 'Default', passwordFile: join(dir, 'service-password') },
      clock: () => now, log, ...options,
    });
  }

  const demoProject = (expiresAtMs = now + HOUR, roles = ['member', 'reader']) =>
    tokenBody(DEMO_USER, { project: { id: 'p-demo', name: 'demo', domain: { id: 'default', name: 'Default' } } }, expiresAtMs, roles);

  beforeEach(async () => {
    now = START;
    logged = [];
    dir = mkdtempSync(join(tmpdir(), 'lbaas-identity-'));
    keystone = await new FakeKeystone().start();
    keystone.clock = () => now;
    writeFileSync(join(dir, 'service-password'), `${keystone.password}\n`, { mode: 0o600 });
    keystone.tokens.set(DEMO, demoProject());
  });

  afterEach(async () => {
    await keystone.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('makes a principal of a project-scoped token, asking Keystone as the service user', async () => {
    const principal: Principal = await authenticator().authenticate(DEMO);
    expect(principal).toEqual({ actor: 'keystone:u-demo:demo', tenantId: 'p-demo', roles: ['member', 'reader'], source: 'keystone', userId: 'u-demo', userName: 'demo' });
    expect(keystone.logins()).toBe(1);
    const validation = keystone.requests.find((r) => r.method === 'GET');
    expect(validation).toEqual({ method: 'GET', url: '/v3/auth/tokens?nocatalog', authToken: 'gAAAAAservice1', subjectToken: DEMO });
  });

  it('caches a validated token until the TTL ends, then asks again', async () => {
    const auth = authenticator({ cacheTtlS: 60 });
    for (let i = 0; i < 5; i++) await auth.authenticate(DEMO);
    expect(keystone.validations(DEMO)).toBe(1);
    now += 59_999;
    await auth.authenticate(DEMO);
    expect(keystone.validations(DEMO)).toBe(1);
    now += 1;
    await auth.authenticate(DEMO);
    expect(keystone.validations(DEMO)).toBe(2);
  });

  it('caches a token no longer than it lives, so an expired token is refused once Keystone says so', async () => {
    keystone.tokens.set(DEMO, demoProject(now + 30_000));
    const auth = authenticator({ cacheTtlS: 300 });
    await auth.authenticate(DEMO);
    now += 29_999;
    await auth.authenticate(DEMO);
    expect(keystone.validations(DEMO)).toBe(1);
    now += 1;
    keystone.tokens.delete(DEMO); // Keystone answers 404 for an expired token
    expect((await rejection(auth.authenticate(DEMO))).kind).toBe('unauthenticated');
    expect(keystone.validations(DEMO)).toBe(2);
  });

  it('refuses a token whose expires_at has passed even if Keystone still describes it', async () => {
    keystone.tokens.set(DEMO, demoProject(now));
    const error = await rejection(authenticator().authenticate(DEMO));
    expect(error.kind).toBe('unauthenticated');
  });

  it('stops accepting a revoked token when its cache entry ends', async () => {
    const auth = authenticator({ cacheTtlS: 5 });
    await auth.authenticate(DEMO);
    keystone.tokens.delete(DEMO);
    await auth.authenticate(DEMO);
    now += 5000;
    expect((await rejection(auth.authenticate(DEMO))).kind).toBe('unauthenticated');
  });

  it('remembers an invalid token for the negative TTL: a flood of it is one Keystone call', async () => {
    const auth = authenticator({ negativeTtlS: 10 });
    const errors = await Promise.all(Array.from({ length: 50 }, () => rejection(auth.authenticate(BAD))));
    for (let i = 0; i < 50; i++) errors.push(await rejection(auth.authenticate(BAD)));
    expect(errors.every((e) => e.kind === 'unauthenticated' && e.challenge === 'Keystone uri="http://keystone.lbaas.test:5000/v3"')).toBe(true);
    expect(keystone.validations(BAD)).toBe(1);
    now += 10_000;
    keystone.tokens.set(BAD, demoProject());
    expect((await auth.authenticate(BAD)).actor).toBe('keystone:u-demo:demo');
    expect(keystone.validations(BAD)).toBe(2);
  });

  it('shares one validation among concurrent requests with one token', async () => {
    const auth = authenticator();
    await auth.authenticate(OTHER).catch(() => undefined); // log the service user in first
    keystone.hold();
    const waiting = Array.from({ length: 20 }, () => auth.authenticate(DEMO));
    await until(() => keystone.validations(DEMO) === 1);
    keystone.release();
    const principals = await Promise.all(waiting);
    expect(new Set(principals.map((p) => p.actor))).toEqual(new Set(['keystone:u-demo:demo']));
    expect(keystone.validations(DEMO)).toBe(1);
  });

  it('bounds both caches: a flood of distinct tokens keeps at most cacheEntries of each', async () => {
    const auth = authenticator({ cacheEntries: 8 });
    for (let i = 0; i < 40; i++) {
      const valid = fernet(`valid${i}`);
      keystone.tokens.set(valid, demoProject());
      await auth.authenticate(valid);
      await rejection(auth.authenticate(fernet(`random${i}`)));
    }
    expect(auth.cacheSizes).toEqual({ validated: 8, rejected: 8 });
    // The most recent stay cached; the first were evicted and cost a new call.
    const before = keystone.validations();
    await auth.authenticate(fernet('valid39'));
    expect(keystone.validations()).toBe(before);
    await auth.authenticate(fernet('valid0'));
    expect(keystone.validations()).toBe(before + 1);
  });

  it.each([
    ['no token', undefined, 'Authentication required'],
    ['an empty token', '', 'Authentication required'],
    ['blanks', '   ', 'Authentication required'],
    ['a token of 8193 characters', 'a'.repeat(8193), 'does not hold a token'],
    ['a space inside', 'gAAAAAB abc', 'does not hold a token'],
    ['non-ASCII', 'gAAAAABtöken', 'does not hold a token'],
    ['markup', '<script>alert(1)</script>', 'does not hold a token'],
    ['a line break', 'gAAAAAB\r\nX-Injected: 1', 'does not hold a token'],
    ['a quote', 'gAAAAAB"', 'does not hold a token'],
  ])('refuses %s without asking Keystone', async (_desc, token, message) => {
    const error = await rejection(authenticator().authenticate(token));
    expect(error.kind).toBe('unauthenticated');
    expect(error.message).toContain(message);
    expect(error.challenge).toBe('Keystone uri="http://keystone.lbaas.test:5000/v3"');
    expect(keystone.requests).toEqual([]);
  });

  it('does ask Keystone about a token of exactly 8192 token characters, and one with surrounding blanks', async () => {
    const auth = authenticator();
    await rejection(auth.authenticate(`gAAAAAB-_.~+/${'a'.repeat(8192 - 14)}=`));
    expect(keystone.validations()).toBe(1);
    expect((await auth.authenticate(` ${DEMO} `)).tenantId).toBe('p-demo');
  });

  it.each([
    ['a domain-scoped token', { domain: { id: 'default', name: 'Default' } }, 'this token is domain-scoped'],
    ['a system-scoped token, even with the admin role', { system: { all: true } }, 'this token is system-scoped'],
    ['an unscoped token', {}, 'this token is unscoped'],
  ])('refuses %s as unauthenticated, asking for a project-scoped one', async (_desc, scope, why) => {
    keystone.tokens.set(OTHER, tokenBody(DEMO_USER, scope, now + HOUR, ['admin', 'member', 'reader']));
    const auth = authenticator();
    const error = await rejection(auth.authenticate(OTHER));
    expect(error.kind).toBe('unauthenticated');
    expect(error.message).toBe(`A project-scoped token is required: ${why}.`);
    expect(error.challenge).not.toBeNull();
    await rejection(auth.authenticate(OTHER));
    expect(keystone.validations(OTHER)).toBe(1);
  });

  it('takes a body that does not describe a user as an invalid token', async () => {
    keystone.tokens.set(OTHER, { body: { token: { expires_at: new Date(now + HOUR).toISOString(), project: { id: 'p', name: 'p' } } } });
    expect((await rejection(authenticator().authenticate(OTHER))).kind).toBe('unauthenticated');
  });
});
