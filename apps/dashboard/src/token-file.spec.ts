import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenFile } from './token-file';

const ADMIN_TOKEN = 'a'.repeat(48);
const DEMO_TOKEN = 'd'.repeat(48);

describe('TokenFile', () => {
  let dir: string;
  let path: string;
  const write = (content: string, mtime: number): void => {
    writeFileSync(path, content);
    utimesSync(path, mtime, mtime);
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lbaas-dashboard-tokens-'));
    path = join(dir, 'tokens.json');
    write(JSON.stringify({
      admin: { token: ADMIN_TOKEN, tenant_id: 't-admin', roles: ['admin'] },
      demo: { token: DEMO_TOKEN, tenant_id: 't-demo', roles: ['member'] },
    }), 1000);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('names the viewer of a token of the api, an administrator by role', () => {
    const tokens = new TokenFile(path);
    expect(tokens.viewerFor(ADMIN_TOKEN)).toEqual({ actor: 'admin', tenantId: 't-admin', admin: true });
    expect(tokens.viewerFor(DEMO_TOKEN)).toEqual({ actor: 'demo', tenantId: 't-demo', admin: false });
    expect(tokens.viewerFor('x'.repeat(48))).toBeNull();
    expect(tokens.viewerFor(null)).toBeNull();
    expect(tokens.viewerFor('')).toBeNull();
  });

  it('re-reads the file when it changes, and keeps the last good tokens while it is broken', () => {
    const tokens = new TokenFile(path);
    write(JSON.stringify({ demo: { token: DEMO_TOKEN, tenant_id: 't-demo' } }), 2000);
    expect(tokens.viewerFor(ADMIN_TOKEN)).toBeNull();
    write('{"demo": {"tok', 3000);
    expect(tokens.viewerFor(DEMO_TOKEN)).toEqual({ actor: 'demo', tenantId: 't-demo', admin: false });
  });

  it.each([
    ['not JSON', '{'],
    ['a list', '[]'],
    ['a token shorter than 16 characters', JSON.stringify({ demo: { token: 'short', tenant_id: 't' } })],
    ['an entry without a tenant', JSON.stringify({ demo: { token: DEMO_TOKEN } })],
  ])('refuses to start with a file that is %s', (_desc, content) => {
    write(content, 4000);
    expect(() => new TokenFile(path)).toThrow();
  });
});
