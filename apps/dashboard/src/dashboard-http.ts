import { allows, AuthenticationError, type Authenticator, type Principal } from '@lbaas/identity';
import type { ServiceMetrics } from '@lbaas/service-shell';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import type { KeystoneSignIn, PasswordSignIn } from './keystone-sign-in';
import type { LiveStreamHub } from './live-stream-hub';
import type { ErrorReply, SessionReply, SignInReply, SnapshotMessage, TimelineReply, Viewer } from './web/dashboard-protocol';

/** What the HTTP edge needs of the rest of the dashboard. */
export interface DashboardSource {
  /** Why the dashboard cannot serve the page's data yet, or null when it can. */
  notReady(): string | null;
  /** Resolves once the fold has reached the end of the log as it was at start. */
  readonly caughtUp: Promise<void>;
  snapshot(viewer: Viewer): SnapshotMessage;
  timelineOf(id: string, viewer: Viewer): TimelineReply;
  health(): Record<string, unknown>;
}

export interface DashboardHttpOptions {
  readonly host: string;
  readonly port: number;
  /** The one authenticator of every surface (`authenticatorFromEnv`): the api's tokens and nothing else. */
  readonly authenticator: Authenticator;
  /** A Keystone user name and password to a token, for the sign-in form. */
  readonly keystone: KeystoneSignIn;
  readonly source: DashboardSource;
  readonly hub: LiveStreamHub;
  /** Served at `/metrics`, beside the health checks. */
  readonly metrics: ServiceMetrics;
  /** index.html and the style sheet. */
  readonly staticDir: string;
  /** The page's compiled scripts. */
  readonly scriptDir: string;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};
const ASSET_NAME = /^[a-z][a-z0-9-]*\.(js|css)$/;
const MAX_ID_LENGTH = 255;
const MAX_SIGN_IN_BYTES = 16 * 1024;
const MAX_FIELD_LENGTH = 255;
/**
 * Every answer: the page runs only its own scripts and styles and talks only to this server, so
 * even a string that slipped past the page's escaping could not load or send anything; the token
 * in the page's address never leaves in a Referer header.
 */
const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/** EventSource cannot send headers, so the page's stream carries its token in the query. */
function tokenOf(req: IncomingMessage, url: URL): string | null {
  const header = req.headers['x-auth-token'];
  if (typeof header === 'string' && header !== '') return header;
  const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '');
  return bearer?.[1] ?? url.searchParams.get('token');
}

/** What the page shows of a principal: an administrator sees every tenant, as in the api. */
export const viewerOf = (principal: Principal): Viewer => ({
  actor: principal.actor,
  name: principal.userName ?? principal.actor,
  tenantId: principal.tenantId,
  admin: allows(principal, 'neutron:all-projects'),
});

class BadSignIn extends Error {}

/** The sign-in form's JSON, bounded; only JSON, so no other site's form can post it. */
async function signInForm(req: IncomingMessage): Promise<PasswordSignIn> {
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) throw new BadSignIn('send the form as application/json');
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_SIGN_IN_BYTES) throw new BadSignIn('the form is too large');
    chunks.push(chunk as Buffer);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new BadSignIn('the form is not JSON');
  }
  const field = (name: string, required: boolean): string => {
    const value = body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
    if (value === undefined && !required) return '';
    if (typeof value !== 'string' || value.length > MAX_FIELD_LENGTH || (required && value === ''))
      throw new BadSignIn(`${name} must be a string of 1 to ${MAX_FIELD_LENGTH} characters`);
    return name === 'password' ? value : value.trim();
  };
  return {
    username: field('username', true),
    password: field('password', true),
    project: field('project', false),
    domain: field('domain', false),
  };
}

/** The page, its assets, its data (`/api/...`), the health checks and the metrics, on one port. */
export function serveDashboard(options: DashboardHttpOptions): Promise<Server> {
  const { authenticator, source, hub } = options;
  const json = (
    res: ServerResponse,
    status: number,
    body: SessionReply | SignInReply | TimelineReply | ErrorReply | Record<string, unknown>,
  ): void => {
    res
      .writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
      .end(JSON.stringify(body));
  };
  const file = async (res: ServerResponse, path: string): Promise<void> => {
    try {
      const body = await readFile(path);
      res
        .writeHead(200, {
          ...SECURITY_HEADERS,
          'Content-Type': CONTENT_TYPES[extname(path)] ?? 'application/octet-stream',
          'Cache-Control': 'no-cache',
        })
        .end(body);
    } catch {
      json(res, 404, { error: 'not found' });
    }
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://dashboard');
    const path = url.pathname;
    if (path === '/api/sign-in' && req.method === 'POST') return signIn(req, res);
    if (req.method !== 'GET') return json(res, 405, { error: 'method not allowed' });
    if (path === '/healthz') return json(res, 200, { status: 'ok', service: 'dashboard', ...source.health() });
    if (path === '/readyz') {
      const reason = source.notReady();
      return json(res, reason === null ? 200 : 503, { status: reason === null ? 'ready' : 'not ready', service: 'dashboard', reason });
    }
    if (path === '/metrics') return options.metrics.respond(res);
    if (path === '/' || path === '/index.html') return file(res, join(options.staticDir, 'index.html'));
    // Browsers ask for an icon the page never names; a 404 there shows as an error in every console.
    if (path === '/favicon.ico') return void res.writeHead(204, { ...SECURITY_HEADERS, 'Cache-Control': 'max-age=86400' }).end();
    if (path.startsWith('/assets/')) {
      const name = path.slice('/assets/'.length);
      if (!ASSET_NAME.test(name)) return json(res, 404, { error: 'not found' });
      return file(res, join(name.endsWith('.js') ? options.scriptDir : options.staticDir, name));
    }
    if (!path.startsWith('/api/')) return json(res, 404, { error: 'not found' });

    let viewer: Viewer;
    try {
      viewer = viewerOf(await authenticator.authenticate(tokenOf(req, url) ?? undefined));
    } catch (error) {
      return refuse(res, error);
    }
    if (path === '/api/session') return json(res, 200, { viewer });
    if (path === '/api/timeline') {
      const id = url.searchParams.get('id') ?? '';
      if (id === '' || id.length > MAX_ID_LENGTH) return json(res, 400, { error: 'id must be an object id' });
      return json(res, 200, source.timelineOf(id, viewer));
    }
    if (path === '/api/stream') {
      // The snapshot of a fold still replaying the log would show the past as the present.
      await source.caughtUp;
      if (res.destroyed) return;
      return hub.open(res, viewer, 'snapshot', source.snapshot(viewer));
    }
    return json(res, 404, { error: 'not found' });
  };

  /** A refused token is a 401 (the page asks to sign in again); an identity source that cannot answer, a 503 (the page retries). */
  const refuse = (res: ServerResponse, error: unknown): void => {
    if (!(error instanceof AuthenticationError)) throw error;
    if (error.kind === 'unavailable') return json(res, 503, { error: error.message });
    json(res, 401, { error: 'The token is missing or unknown: use a token of the api (X-Auth-Token).' });
  };

  const signIn = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let form: PasswordSignIn;
    try {
      form = await signInForm(req);
    } catch (error) {
      if (error instanceof BadSignIn) return json(res, 400, { error: error.message });
      throw error;
    }
    let token: string;
    try {
      token = await options.keystone.signIn(form);
    } catch (error) {
      if (!(error instanceof AuthenticationError)) throw error;
      return json(res, error.kind === 'unavailable' ? 503 : 401, { error: error.message });
    }
    let viewer: Viewer;
    try {
      viewer = viewerOf(await authenticator.authenticate(token));
    } catch (error) {
      if (!(error instanceof AuthenticationError) || error.kind === 'unavailable') return refuse(res, error);
      return json(res, 401, { error: 'Keystone signed you in, but this dashboard does not accept Keystone tokens (see LBAAS_AUTH).' });
    }
    return json(res, 200, { token, viewer });
  };

  const server = createServer((req, res) => {
    route(req, res).catch(() => {
      if (!res.headersSent) json(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
