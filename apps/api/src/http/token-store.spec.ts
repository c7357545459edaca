import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpError } from './errors';
import { NoAuth, TokenStore } from './token-store';

const ADMIN = 'admin-token-0123456789abcdef';
const DEMO = 'demo-token-0123456789abcdef';
const READER = 'reader-token-0123456789abcdef';

const TOKENS = {
  admin: { token: ADMIN, tenant_id: 'tenant-admin', roles: ['admin'] },
  demo: { token: DEMO, tenant_id: 'tenant-demo', roles: ['member'] },
  auditor: { token: READER, tenant_id: 'tenant-demo', roles: ['reader'] },
};

describe('TokenStore', () => {
  let dir: string;
  let file: string;
  let tick = 0;

  /** Writes the file with a later mtime each time, so a change is seen whatever the clock's granularity. */
  function write(content: unknown): void {
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    tick += 10;
    const at = new Date(Date.UTC(2030, 0, 1) + tick * 1000);
    utimesSync(file, at, at);
  }

  function rejection(run: () => unknown): HttpError {
    try {
      run();
    } catch (error) {
      if (error instanceof HttpError) return error;
      throw error;
    }
    throw new Error('authenticated');
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lbaas-api-tokens-'));
    file = join(dir, 'tokens.json');
    write(TOKENS);
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('maps each token to its actor, tenant and roles', () => {
    const store = new TokenStore(file);
    expect(store.authenticate(ADMIN)).toEqual({ actor: 'admin', tenantId: 'tenant-admin', roles: ['admin'] });
    expect(store.authenticate(DEMO)).toEqual({ actor: 'demo', tenantId: 'tenant-demo', roles: ['member'] });
    expect(store.authenticate(READER)).toEqual({ actor: 'auditor', tenantId: 'tenant-demo', roles: ['reader'] });
  });

  it.each([
    ['no token', undefined],
    ['an empty token', ''],
    ['an unknown token', 'not-a-token-0123456789abcdef'],
    ['a token with a different case', ADMIN.toUpperCase()],
    ['a tenant id in place of a token', 'tenant-admin'],
  ])('answers 401 HTTPUnauthorized to %s', (_desc, token) => {
    const error = rejection(() => new TokenStore(file).authenticate(token));
    expect({ status: error.status, type: error.type }).toEqual({ status: 401, type: 'HTTPUnauthorized' });
    expect(error.message).not.toContain(ADMIN);
  });

  it('gives the member role when an entry names none, and drops roles it does not know', () => {
    write({ plain: { token: DEMO, tenant_id: 't1' }, odd: { token: ADMIN, tenant_id: 't2', roles: ['superuser', 'reader'] } });
    const store = new TokenStore(file);
    expect(store.authenticate(DEMO).roles).toEqual(['member']);
    expect(store.authenticate(ADMIN).roles).toEqual(['reader']);
  });

  it('sees tokens added and removed after start, without a restart', () => {
    const store = new TokenStore(file);
    const added = 'added-token-0123456789abcdef';
    expect(() => store.authenticate(added)).toThrow(HttpError);
    write({ ...TOKENS, late: { token: added, tenant_id: 'tenant-late', roles: ['member'] } });
    expect(store.authenticate(added).actor).toBe('late');
    write({ admin: TOKENS.admin });
    expect(rejection(() => store.authenticate(DEMO)).status).toBe(401);
    expect(store.authenticate(ADMIN).actor).toBe('admin');
  });

  it('keeps the last good tokens while the file is half written, and takes the whole one', () => {
    const store = new TokenStore(file);
    write('{"admin": {"token": "adm');
    expect(store.authenticate(DEMO).actor).toBe('demo');
    rmSync(file);
    expect(store.authenticate(DEMO).actor).toBe('demo');
    write({ admin: TOKENS.admin });
    expect(rejection(() => store.authenticate(DEMO)).status).toBe(401);
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
    expect(() => new TokenStore(file)).toThrow();
  });
});

describe('NoAuth', () => {
  it('makes every caller, with or without a token, an admin of its tenant', () => {
    const noAuth = new NoAuth('dev-tenant');
    const expected = { actor: 'noauth', tenantId: 'dev-tenant', roles: ['admin'] };
    expect(noAuth.authenticate()).toEqual(expected);
  });
});
