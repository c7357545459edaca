import { createServer, type Server } from 'node:http';

export interface HealthEndpoints {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** Why the service is not ready, or null when it is. */
  readonly notReady: () => Promise<string | null> | string | null;
  readonly details?: () => Record<string, unknown>;
}

/** `/healthz` (the process is alive) and `/readyz` (it can do its work) for headless services. */
export function serveHealth(endpoints: HealthEndpoints): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const reply = (status: number, body: object): void => {
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(405, { error: 'method not allowed' });
    if (path === '/healthz') return reply(200, { status: 'ok', service: endpoints.name, ...endpoints.details?.() });
    if (path === '/readyz') {
      void Promise.resolve()
        .then(endpoints.notReady)
        .then(
          (reason) => reply(reason === null ? 200 : 503, { status: reason === null ? 'ready' : 'not ready', service: endpoints.name, reason }),
          (error: unknown) => reply(503, { status: 'not ready', service: endpoints.name, reason: String(error) }),
        );
      return;
    }
    reply(404, { error: 'not found' });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(endpoints.port, endpoints.host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
