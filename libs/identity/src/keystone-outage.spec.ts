import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeKeystone, type FakeAnswer, rejection, tokenBody } from './fake-keystone.spec-support';
import { KeystoneAuthenticator, type KeystoneAuthenticatorOptions } from './keystone-authenticator';
import type { IdentityLog } from './keystone-client';
import { LOGIN_RETRY_MS } from './service-session';

const START = Date.parse('2030-01-01T00:00:00Z');
const HOUR = 3_600_000;
const fernet = (name: string) => `gAAAAAB${name}${'Z'.repeat(180 - name.length)}`;
const CACHED = fernet('cached');
const FRESH = fernet('fresh');

/** Keystone failing in each way keystonemiddleware answers 503 for, and the service user's own token. */
describe('KeystoneAuthenticator when Keystone fails', () => {
  let keystone: FakeKeystone;
  let dir: string;
  let now: number;
  let logged: [Record<string, unknown>, string][];
  const log: IdentityLog = { warn: (fields, message) => logged.push([fields, message]), error: (fields, message) => logged.push([fields, message]) };
  const project = (name: string): FakeAnswer =>
    tokenBody({ id: `u-${name}`, name }, { project: { id: `p-${name}`, name, domain: { id: 'default', name: 'Default' } } }, now + HOUR, ['member']);

  function authenticator(options: Partial<KeystoneAuthenticatorOptions> = {}): KeystoneAuthenticator {
    return new KeystoneAuthenticator({
      url: keystone.url, publicUrl: keystone.url, cacheTtlS: 300, negativeTtlS: 10, timeoutMs: 2000,
      serviceUser: { name: 'lbaas', project: 'service', domain: 'Default', passwordFile: join(dir, 'service-password') },
      clock: () => now, log, ...options,
    });
  }

  async function restartKeystone(): Promise<void> {
    const tokens = keystone.tokens;
    const restarted = new FakeKeystone();
    restarted.clock = () => now;
    for (const [token, answer] of tokens) restarted.tokens.set(token, answer);
    keystone = await restarted.start(keystone.port);
  }

  beforeEach(async () => {
    now = START;
    logged = [];
    dir = mkdtempSync(join(tmpdir(), 'lbaas-identity-'));
    keystone = await new FakeKeystone().start();
    keystone.clock = () => now;
    writeFileSync(join(dir, 'service-password'), keystone.password, { mode: 0o600 });
    keystone.tokens.set(CACHED, project('cached'));
    keystone.tokens.set(FRESH, project('fresh'));
  });

  afterEach(async () => {
    await keystone.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps cached tokens working while Keystone is down, answers unavailable for others, and recovers by itself', async () => {
    const auth = authenticator();
    await auth.authenticate(CACHED);
    await keystone.stop();
    expect((await auth.authenticate(CACHED)).tenantId).toBe('p-cached');
    const error = await rejection(auth.authenticate(FRESH));
    expect(error).toMatchObject({ kind: 'unavailable', challenge: null });
    expect(error.message).toBe('The identity service (Keystone) is temporarily unavailable; try again later.');
    expect((await rejection(auth.authenticate(FRESH))).kind).toBe('unavailable');
    // A restarted Keystone forgets the service token: the 401 makes it log in again.
    await restartKeystone();
    expect((await auth.authenticate(FRESH)).tenantId).toBe('p-fresh');
    expect(keystone.logins()).toBe(1);
    expect(logged.map(([, message]) => message)).toEqual(['Keystone is unavailable: only cached tokens are accepted', 'Keystone answers again']);
  });

  it.each([
    ['answers 500', 'error'],
    ['answers 403 (the service user may not validate tokens)', 'forbidden'],
    ['keeps answering 401 for new service tokens too', 'unauthorized'],
  ] as const)('answers unavailable, never unauthenticated, when Keystone %s', async (_desc, mode) => {
    const auth = authenticator();
    await auth.authenticate(CACHED);
    keystone.mode = mode;
    expect((await rejection(auth.authenticate(FRESH))).kind).toBe('unavailable');
    expect((await auth.authenticate(CACHED)).tenantId).toBe('p-cached');
    keystone.mode = 'ok';
    now += LOGIN_RETRY_MS;
    expect((await auth.authenticate(FRESH)).tenantId).toBe('p-fresh');
  });

  it('answers unavailable when Keystone does not answer within the timeout', async () => {
    const auth = authenticator({ timeoutMs: 200 });
    await auth.authenticate(CACHED);
    keystone.mode = 'hang';
    expect((await rejection(auth.authenticate(FRESH))).kind).toBe('unavailable');
    expect(logged[0][0]).toMatchObject({ reason: 'Keystone did not answer: timed out' });
  });

  it('logs in again and retries once when Keystone refuses the service token (401)', async () => {
    const auth = authenticator();
    await auth.authenticate(CACHED);
    keystone.revokeServiceTokens();
    expect((await auth.authenticate(FRESH)).tenantId).toBe('p-fresh');
    expect(keystone.logins()).toBe(2);
    expect(keystone.validations(FRESH)).toBe(2);
  });

  it('renews the service token once three quarters of its life have passed', async () => {
    keystone.serviceTokenLifeMs = 100_000;
    const auth = authenticator();
    await auth.authenticate(CACHED);
    now += 74_999;
    await auth.authenticate(FRESH);
    expect(keystone.logins()).toBe(1);
    now += 1;
    await auth.authenticate(fernet('third')).catch(() => undefined);
    expect(keystone.logins()).toBe(2);
    expect(keystone.requests.at(-1)?.authToken).toBe('gAAAAAservice2');
  });

  it('keeps validating with its old service token while a renewal fails, until that token expires', async () => {
    keystone.serviceTokenLifeMs = 100_000;
    const auth = authenticator({ cacheTtlS: 1 });
    await auth.authenticate(CACHED);
    keystone.password = 'rotated-in-keystone-first';
    now += 80_000;
    expect((await auth.authenticate(FRESH)).tenantId).toBe('p-fresh');
    expect(keystone.requests.at(-1)?.authToken).toBe('gAAAAAservice1');
    now += 20_000;
    expect((await rejection(auth.authenticate(CACHED))).kind).toBe('unavailable');
    writeFileSync(join(dir, 'service-password'), keystone.password);
    now += LOGIN_RETRY_MS;
    expect((await auth.authenticate(CACHED)).tenantId).toBe('p-cached');
  });

  it('does not retry a failed login for a second, and reads a changed password file on the next', async () => {
    writeFileSync(join(dir, 'service-password'), 'wrong-password');
    const auth = authenticator();
    expect((await rejection(auth.authenticate(FRESH))).kind).toBe('unavailable');
    expect((await rejection(auth.authenticate(CACHED))).kind).toBe('unavailable');
    expect(keystone.requests.length).toBe(1);
    expect(logged).toEqual([[{ serviceUser: 'lbaas', reason: "the service user 'lbaas' cannot log in: Keystone answered 401" }, expect.stringContaining('cannot log in')], expect.anything()]);
    writeFileSync(join(dir, 'service-password'), `${keystone.password}\n`);
    now += LOGIN_RETRY_MS;
    expect((await auth.authenticate(FRESH)).tenantId).toBe('p-fresh');
  });

  it('puts no token and no password in any error message or log line', async () => {
    const auth = authenticator({ timeoutMs: 200 });
    const messages: string[] = [];
    const collect = (run: Promise<unknown>) => rejection(run).then((e) => messages.push(e.message, e.challenge ?? ''));
    await auth.authenticate(CACHED);
    await collect(auth.authenticate(fernet('unknown')));
    await collect(auth.authenticate(`${fernet('garbage')}<>`));
    keystone.tokens.set(fernet('domain'), tokenBody({ id: 'u', name: 'u' }, { domain: { id: 'd', name: 'd' } }, now + HOUR));
    await collect(auth.authenticate(fernet('domain')));
    for (const mode of ['error', 'forbidden', 'unauthorized', 'hang'] as const) {
      keystone.mode = mode;
      await collect(auth.authenticate(FRESH));
      now += LOGIN_RETRY_MS;
    }
    keystone.mode = 'ok';
    keystone.revokeServiceTokens();
    await auth.authenticate(FRESH);
    await keystone.stop();
    await collect(auth.authenticate(fernet('down')));
    const text = JSON.stringify([messages, logged]);
    expect(logged.length).toBeGreaterThan(0);
    for (const secret of [CACHED, FRESH, fernet('unknown'), fernet('garbage'), fernet('domain'), fernet('down'), keystone.password, 'gAAAAAservice', 'gAAAAAB']) {
      expect(text).not.toContain(secret);
    }
  });
});
