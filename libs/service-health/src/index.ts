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
    if (path === '/healthz') return reply(200, { status: 'ok', service: endpoints.name, ...endpoints.details?.() });
    if (path === '/readyz') {
      void Promise.resolve(endpoints.notReady()).then(
        (reason) => reply(reason === null ? 200 : 503, { status: reason === null ? 'ready' : 'not ready', service: endpoints.name, reason }),
        (error: unknown) => reply(503, { status: 'not ready', service: endpoints.name, reason: String(error) }),
      );
      return;
    }
    reply(404, { error: 'not found' });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(endpoints.port, endpoints.host, () => resolve(server));
  });
}

/**
 * A service whose issue is still open: it starts, answers health checks and says plainly
 * in its readiness and log that it does nothing yet, so `make up` and docker-compose run the
 * final layout today.
 */
export async function runPlannedService(name: string, defaultPort: number, issue: number, what: string): Promise<void> {
  const port = Number(process.env.LBAAS_HEALTH_PORT ?? defaultPort);
  const host = process.env.LBAAS_HEALTH_HOST ?? '127.0.0.1';
  const node = process.argv[2];
  const server = await serveHealth({
    name, host, port,
    notReady: () => null,
    details: () => ({ implemented: false, issue, what, ...(node ? { node } : {}) }),
  });
  console.log(JSON.stringify({
    level: 'warn', service: name, node, port,
    msg: `${name} is a placeholder until issue ${issue} lands (${what}); it serves /healthz and /readyz only`,
  }));
  const stop = (): void => {
    server.close(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
