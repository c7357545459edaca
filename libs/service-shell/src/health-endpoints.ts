import { createServer, type Server } from 'node:http';
import type { ServiceMetrics } from './service-metrics';

export interface HealthEndpoints {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** Why the service is not ready, or null when it is. */
  readonly notReady: () => Promise<string | null> | string | null;
  readonly details?: () => Record<string, unknown>;
  /** Served at `/metrics` for Prometheus, on the same port. */
  readonly metrics: ServiceMetrics;
}

/** `/healthz` (the process is alive), `/readyz` (it can do its work) and `/metrics` for headless services. */
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
          (reason) =>
            reply(reason === null ? 200 : 503, { status: reason === null ? 'ready' : 'not ready', service: endpoints.name, reason }),
          (error: unknown) => reply(503, { status: 'not ready', service: endpoints.name, reason: String(error) }),
        );
      return;
    }
    if (path === '/metrics') {
      void endpoints.metrics.respond(res);
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
