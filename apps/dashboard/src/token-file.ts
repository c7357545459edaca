import { readFileSync, statSync } from 'node:fs';
import type { Viewer } from './web/dashboard-protocol';

/**
 * The api's token file (LBAAS_TOKENS_FILE, `{"<actor>": {"token", "tenant_id", "roles"}}`), read
 * by the same rules as the api's token store: a token of at least 16 characters and a tenant id
 * per entry; an administrator is an entry whose roles include `admin`. Re-read when it changes; a file that breaks
 * later (a half-written edit) keeps the last good tokens, one unreadable at start stops the service.
 */
export class TokenFile {
  private viewers = new Map<string, Viewer>();
  private mtimeMs = -1;

  constructor(private readonly path: string) {
    this.reload();
  }

  /** The caller a token names, or null for a missing or unknown token. */
  viewerFor(token: string | null): Viewer | null {
    try {
      this.reload();
    } catch {
      // The tokens read last stay in force until the file is whole again.
    }
    return token ? (this.viewers.get(token) ?? null) : null;
  }

  private reload(): void {
    const mtimeMs = statSync(this.path).mtimeMs;
    if (mtimeMs === this.mtimeMs) return;
    this.viewers = parseTokens(JSON.parse(readFileSync(this.path, 'utf8')), this.path);
    this.mtimeMs = mtimeMs;
  }
}

function parseTokens(parsed: unknown, path: string): Map<string, Viewer> {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${path}: expected an object of named tokens`);
  const viewers = new Map<string, Viewer>();
  for (const [actor, entry] of Object.entries(parsed)) {
    const { token, tenant_id: tenantId, roles } = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    if (typeof token !== 'string' || token.length < 16 || typeof tenantId !== 'string') {
      throw new Error(`${path}: entry '${actor}' needs a token of at least 16 characters and a tenant_id`);
    }
    viewers.set(token, { actor, tenantId, admin: Array.isArray(roles) && roles.includes('admin') });
  }
  return viewers;
}
