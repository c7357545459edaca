import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authenticatorFromEnv, keystoneOptionsFromEnv, TokenFileThenKeystone } from './authenticator-from-env';
import { FakeKeystone, rejection, tokenBody } from './fake-keystone.spec-support';
import { KeystoneAuthenticator } from './keystone-authenticator';
import type { IdentityLog } from './keystone-client';
import { NoAuthAuthenticator, TokenFileAuthenticator } from './token-file';

const DEV = 'dev-token-0123456789abcdef';
const KEYSTONE_TOKEN = `gAAAAAB${'k'.repeat(170)}`;
const quiet: IdentityLog = { warn: () => undefined, error: () => undefined };

describe('authenticatorFromEnv', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lbaas-identity-env-'));
    writeFileSync(join(dir, 'tokens.json'), JSON.stringify({ dev: { token: DEV, tenant_id: 'tenant-dev', roles: ['member'] } }));
    writeFileSync(join(dir, 'service-password'), 'secret\n', { mode: 0o600 });
    // A port nothing listens on: constructing must not need Keystone.
    env = { LBAAS_TOKENS_FILE: join(dir, 'tokens.json'), LBAAS_KEYSTONE_PASSWORD_FILE: join(dir, 'service-password'), LBAAS_KEYSTONE_URL: 'http://127.0.0.1:9', LBAAS_KEYSTONE_TIMEOUT_MS: '500' };
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    [undefined, TokenFileAuthenticator],
    ['tokens', TokenFileAuthenticator],
    ['keystone', KeystoneAuthenticator],
    ['keystone+tokens', TokenFileThenKeystone],
  ])('LBAAS_AUTH=%s chooses %p, without calling Keystone', (mode, type) => {
    expect(authenticatorFromEnv({ ...env, LBAAS_AUTH: mode }, quiet)).toBeInstanceOf(type);
  });

  it('lets LBAAS_NOAUTH=1 win over any LBAAS_AUTH, even a bad one', () => {
    expect(authenticatorFromEnv({ LBAAS_NOAUTH: '1', LBAAS_AUTH: 'keystone' })).toBeInstanceOf(NoAuthAuthenticator);
    expect(authenticatorFromEnv({ LBAAS_NOAUTH: '1', LBAAS_AUTH: 'ldap' })).toBeInstanceOf(NoAuthAuthenticator);
  });

  it.each(['ldap', 'Keystone', 'tokens+keystone', 'keystone,tokens'])('refuses to start with LBAAS_AUTH=%s', (mode) => {
    expect(() => authenticatorFromEnv({ ...env, LBAAS_AUTH: mode })).toThrow(`LBAAS_AUTH must be one of tokens, keystone, keystone+tokens, not '${mode}'`);
  });

  it.each(['keystone', 'keystone+tokens'])('refuses to start in %s mode without the service password file, naming it', (mode) => {
    const missing = join(dir, 'nowhere');
    expect(() => authenticatorFromEnv({ ...env, LBAAS_AUTH: mode, LBAAS_KEYSTONE_PASSWORD_FILE: missing })).toThrow(
      `LBAAS_KEYSTONE_PASSWORD_FILE: cannot read the Keystone service user's password from ${missing}: ENOENT: no such file or directory`,
    );
    writeFileSync(join(dir, 'empty'), '\n');
    expect(() => authenticatorFromEnv({ ...env, LBAAS_AUTH: mode, LBAAS_KEYSTONE_PASSWORD_FILE: join(dir, 'empty') })).toThrow(/is empty/);
  });

  it('refuses to start in keystone+tokens mode without the token file', () => {
    expect(() => authenticatorFromEnv({ ...env, LBAAS_AUTH: 'keystone+tokens', LBAAS_TOKENS_FILE: join(dir, 'none.json') })).toThrow(/ENOENT/);
  });

  it.each([
    ['LBAAS_KEYSTONE_URL', 'keystone 5000', /LBAAS_KEYSTONE_URL must be a URL/],
    ['LBAAS_KEYSTONE_URL', 'ftp://127.0.0.1/', /http or https/],
    ['LBAAS_KEYSTONE_CACHE_TTL_S', '-1', /LBAAS_KEYSTONE_CACHE_TTL_S must be a whole number/],
    ['LBAAS_KEYSTONE_NEGATIVE_TTL_S', '2.5', /LBAAS_KEYSTONE_NEGATIVE_TTL_S must be a whole number/],
    ['LBAAS_KEYSTONE_TIMEOUT_MS', '0', /LBAAS_KEYSTONE_TIMEOUT_MS must be a whole number of at least 1/],
  ])('refuses to start with %s=%s', (name, value, message) => {
    expect(() => authenticatorFromEnv({ ...env, LBAAS_AUTH: 'keystone', [name]: value })).toThrow(message);
  });

  it('reads the contract\'s defaults, and a base URL with or without /v3', () => {
    expect(keystoneOptionsFromEnv({ LBAAS_KEYSTONE_PASSWORD_FILE: env.LBAAS_KEYSTONE_PASSWORD_FILE }, quiet)).toEqual({
      url: 'http://127.0.0.1:5000', publicUrl: 'http://127.0.0.1:5000', cacheTtlS: 300, negativeTtlS: 10, timeoutMs: 3000, log: quiet,
      serviceUser: { name: 'lbaas', project: 'service', domain: 'Default', passwordFile: env.LBAAS_KEYSTONE_PASSWORD_FILE },
    });
    const options = keystoneOptionsFromEnv({
      ...env, LBAAS_KEYSTONE_URL: 'https://keystone.lbaas.test/identity/v3/', LBAAS_KEYSTONE_PUBLIC_URL: 'https://id.lbaas.test/v3', LBAAS_KEYSTONE_SERVICE_USER: 'octavia',
      LBAAS_KEYSTONE_SERVICE_PROJECT: 'services', LBAAS_KEYSTONE_SERVICE_DOMAIN: 'ops', LBAAS_KEYSTONE_CACHE_TTL_S: '0', LBAAS_KEYSTONE_NEGATIVE_TTL_S: '60',
    }, quiet);
    expect(options).toMatchObject({ url: 'https://keystone.lbaas.test/identity', publicUrl: 'https://id.lbaas.test/v3', cacheTtlS: 0, negativeTtlS: 60, timeoutMs: 500 });
    expect(options.serviceUser).toMatchObject({ name: 'octavia', project: 'services', domain: 'ops' });
  });

  describe('keystone+tokens', () => {
    let keystone: FakeKeystone;

    beforeEach(async () => {
      keystone = await new FakeKeystone().start();
      writeFileSync(join(dir, 'service-password'), keystone.password);
      keystone.tokens.set(KEYSTONE_TOKEN, tokenBody({ id: 'u1', name: 'demo' }, { project: { id: 'p1', name: 'demo' } }, Date.now() + 3_600_000, ['reader']));
    });

    afterEach(() => keystone.stop().catch(() => undefined));

    it('takes a dev token from the file without asking Keystone, and any other token to Keystone', async () => {
      const auth = authenticatorFromEnv({ ...env, LBAAS_AUTH: 'keystone+tokens', LBAAS_KEYSTONE_URL: keystone.url }, quiet);
      expect((await auth.authenticate(DEV)).actor).toBe('dev');
      expect(keystone.requests).toEqual([]);
      expect((await auth.authenticate(KEYSTONE_TOKEN)).actor).toBe('keystone:u1:demo');
      const error = await rejection(auth.authenticate(`gAAAAAB${'x'.repeat(170)}`));
      expect(error).toMatchObject({ kind: 'unauthenticated', challenge: `Keystone uri="${keystone.url}"` });
    });

    it('keeps dev tokens working while Keystone is down', async () => {
      const auth = authenticatorFromEnv({ ...env, LBAAS_AUTH: 'keystone+tokens', LBAAS_KEYSTONE_URL: keystone.url }, quiet);
      await keystone.stop();
      expect((await auth.authenticate(DEV)).tenantId).toBe('tenant-dev');
      expect((await rejection(auth.authenticate(KEYSTONE_TOKEN))).kind).toBe('unavailable');
    });
  });
});
