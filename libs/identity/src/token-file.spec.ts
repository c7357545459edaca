import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthenticationError } from './principal';
import { NoAuthAuthenticator, TOKEN_FILE_FRESH_MS, TokenFileAuthenticator } from './token-file';

const ADMIN = 'admin-token-0123456789abcdef';
const DEMO = 'demo-token-0123456789abcdef';
const READER = 'reader-token-0123456789abcdef';

const TOKENS = {
  admin: { token: ADMIN, tenant_id: 'tenant-admin', roles: ['admin'] },
  demo: { token: DEMO, tenant_id: 'tenant-demo', roles: ['member'] },
  auditor: { token: READER, tenant_id: 'tenant-demo', roles: ['reader'] },
};

describe('TokenFileAuthenticator', () => {
  let dir: string;
  let file: string;
  let tick = 0;
  /** The authenticator's monotonic clock, in milliseconds. */
  let clock = 0;
  const authenticator = (): TokenFileAuthenticator => new TokenFileAuthenticator(file, () => clock);
  /** Past the time the file's last stat stands for. */
  const staleness = (): void => {
    clock += TOKEN_FILE_FRESH_MS;
  };

  /** Writes the file with a later mtime each time, so a change is seen whatever the clock's granularity. */
  function write(content: unknown): void {
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    tick += 10;
    const at = new Date(Date.UTC(2030, 0, 1) + tick * 1000);
    utimesSync(file, at, at);
  }

  async function rejection(run: () => Promise<unknown>): Promise<AuthenticationError> {
    try {
      await run();
    } catch (error) {
      if (error instanceof AuthenticationError) return error;
      throw error;
    }
    throw new Error('authenticated');
  }
  const keystoneless = { source: 'tokens', userId: null, userName: null };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lbaas-api-tokens-'));
    file = join(dir, 'tokens.json');
    write(TOKENS);
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('maps each token to its actor, tenant and roles', async () => {
    const store = new TokenFileAuthenticator(file);
    expect(await store.authenticate(ADMIN)).toEqual({ actor: 'admin', tenantId: 'tenant-admin', roles: ['admin'], ...keystoneless });
    expect(await store.authenticate(DEMO)).toEqual({ actor: 'demo', tenantId: 'tenant-demo', roles: ['member'], ...keystoneless });
    expect(await store.authenticate(READER)).toEqual({ actor: 'auditor', tenantId: 'tenant-demo', roles: ['reader'], ...keystoneless });
  });

  it.each([
    ['no token', undefined],
    ['an empty token', ''],
    ['an unknown token', 'not-a-token-0123456789abcdef'],
    ['a token with a different case', ADMIN.toUpperCase()],
    ['a tenant id in place of a token', 'tenant-admin'],
  ])('refuses %s as unauthenticated', async (_desc, token) => {
    const error = await rejection(() => new TokenFileAuthenticator(file).authenticate(token));
    expect(error.kind).toBe('unauthenticated');
    expect(error.message).not.toContain(ADMIN);
  });

  it('gives the member role when an entry names none, and drops roles it does not know', async () => {
    write({ plain: { token: DEMO, tenant_id: 't1' }, odd: { token: ADMIN, tenant_id: 't2', roles: ['superuser', 'reader'] } });
    const store = new TokenFileAuthenticator(file);
    expect((await store.authenticate(DEMO)).roles).toEqual(['member']);
    expect((await store.authenticate(ADMIN)).roles).toEqual(['reader']);
  });

  it('sees a token added after start on its first use, and one removed once the last look at the file is stale', async () => {
    const store = authenticator();
    const added = 'added-token-0123456789abcdef';
    await expect(store.authenticate(added)).rejects.toThrow(AuthenticationError);
    write({ ...TOKENS, late: { token: added, tenant_id: 'tenant-late', roles: ['member'] } });
    expect((await store.authenticate(added)).actor).toBe('late');
    write({ admin: TOKENS.admin });
    staleness();
    expect((await rejection(() => store.authenticate(DEMO))).kind).toBe('unauthenticated');
    expect((await store.authenticate(ADMIN)).actor).toBe('admin');
  });

  it('serves a listed token from memory until the last look at the file is stale, then from the file', async () => {
    const store = authenticator();
    expect((await store.authenticate(DEMO)).actor).toBe('demo');
    write({ admin: TOKENS.admin, renamed: { ...TOKENS.demo, tenant_id: 'tenant-moved' } });
    clock += TOKEN_FILE_FRESH_MS - 1;
    expect((await store.authenticate(DEMO)).tenantId).toBe('tenant-demo');
    clock += 1;
    expect(await store.authenticate(DEMO)).toMatchObject({ actor: 'renamed', tenantId: 'tenant-moved' });
    expect((await rejection(() => store.authenticate(READER))).kind).toBe('unauthenticated');
  });

  it('keeps the last good tokens while the file is half written, and takes the whole one', async () => {
    const store = authenticator();
    write('{"admin": {"token": "adm');
    staleness();
    expect((await store.authenticate(DEMO)).actor).toBe('demo');
    rmSync(file);
    staleness();
    expect((await store.authenticate(DEMO)).actor).toBe('demo');
    // The failed looks left the file due for another: the whole file is read on the next request.
    write({ admin: TOKENS.admin });
    expect((await rejection(() => store.authenticate(DEMO))).kind).toBe('unauthenticated');
  });

  it.each([
    ['a missing file', null],
    ['malformed JSON', '{"admin": '],
    ['a list', [TOKENS.admin]],
    ['a token shorter than 16 characters', { admin: { token: 'short', tenant_id: 't' } }],
    ['an entry without a tenant', { admin: { token: ADMIN } }],
  ])('refuses to start with %s', (_desc, content) => {
    if (content === null) rmSync(file);
    else write(content);
    expect(() => new TokenFileAuthenticator(file)).toThrow();
  });
});

describe('NoAuthAuthenticator', () => {
  it('makes every caller, with or without a token, an admin of its tenant', async () => {
    const noAuth = new NoAuthAuthenticator('dev-tenant');
    const expected = { actor: 'noauth', tenantId: 'dev-tenant', roles: ['admin'], source: 'noauth', userId: null, userName: null };
    expect(await noAuth.authenticate()).toEqual(expected);
  });
});
