import type { ServiceMetrics } from '@lbaas/service-shell';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import type { LiveStreamHub } from './live-stream-hub';
import type { TokenFile } from './token-file';
import type { ErrorReply, SessionReply, SnapshotMessage, TimelineReply, Viewer } from './web/dashboard-protocol';

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
  readonly tokens: TokenFile;
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
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
};
const ASSET_NAME = /^[a-z][a-z0-9-]*\.(js|css)$/;
const MAX_ID_LENGTH = 255;
/**
 * Every answer: the page runs only its own scripts and styles and talks only to this server, so
 * even a string that slipped past the page's escaping could not load or send anything; the token
 * in the page's address never leaves in a Referer header.
 */
const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
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

/** The page, its assets, its data (`/api/...`), the health checks and the metrics, on one port. */
export function serveDashboard(options: DashboardHttpOptions): Promise<Server> {
  const { tokens, source, hub } = options;
  const json = (res: ServerResponse, status: number, body: SessionReply | TimelineReply | ErrorReply | Record<string, unknown>): void => {
    res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify(body));
  };
  const file = async (res: ServerResponse, path: string): Promise<void> => {
    try {
      const body = await readFile(path);
      res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': CONTENT_TYPES[extname(path)] ?? 'application/octet-stream', 'Cache-Control': 'no-cache' }).end(body);
    } catch {
      json(res, 404, { error: 'not found' });
    }
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://dashboard');
    const path = url.pathname;
    if (req.method !== 'GET') return json(res, 405, { error: 'method not allowed' });
    if (path === '/healthz') return json(res, 200, { status: 'ok', service: 'dashboard', ...source.health() });
    if (path === '/readyz') {
      const reason = source.notReady();
      return json(res, reason === null ? 200 : 503, { status: reason === null ? 'ready' : 'not ready', service: 'dashboard', reason });
    }
    if (path === '/metrics') return options.metrics.respond(res);
    if (path === '/' || path === '/index.html') return file(res, join(options.staticDir, 'index.html'));
    if (path.startsWith('/assets/')) {
      const name = path.slice('/assets/'.length);
      if (!ASSET_NAME.test(name)) return json(res, 404, { error: 'not found' });
      return file(res, join(name.endsWith('.js') ? options.scriptDir : options.staticDir, name));
    }
    if (!path.startsWith('/api/')) return json(res, 404, { error: 'not found' });

    const viewer = tokens.viewerFor(tokenOf(req, url));
    if (!viewer) return json(res, 401, { error: 'The token is missing or unknown: use a token of the api (X-Auth-Token).' });
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
