import { serveHealth } from './health-endpoints';

export interface PlannedService {
  readonly name: string;
  readonly defaultPort: number;
  /** The open issue that builds the service. */
  readonly issue: number;
  readonly what: string;
}

/**
 * A service whose issue is still open: it starts, answers /healthz and /readyz, and says
 * plainly in its health document and its log that it does nothing yet, so `make up` and
 * docker-compose run the final layout today. Exits 0 on SIGTERM or SIGINT.
 */
export async function runPlannedService(service: PlannedService, env: NodeJS.ProcessEnv = process.env, argv: readonly string[] = process.argv): Promise<void> {
  const { name, issue, what } = service;
  const port = Number(env.LBAAS_HEALTH_PORT?.trim() || service.defaultPort);
  const host = env.LBAAS_HEALTH_HOST?.trim() || '127.0.0.1';
  const node = argv[2];
  const log = (level: string, msg: string, extra: Record<string, unknown> = {}): void => {
    console.log(JSON.stringify({ level, time: new Date().toISOString(), service: name, ...(node ? { node } : {}), ...extra, msg }));
  };
  try {
    const server = await serveHealth({
      name, host, port,
      notReady: () => null,
      details: () => ({ implemented: false, issue, what, ...(node ? { node } : {}) }),
    });
    log('warn', `${name} is a placeholder until issue ${issue} (${what}); it serves /healthz and /readyz only`, { host, port });
    const stop = (signal: string): void => {
      log('info', `stopping on ${signal}`);
      server.close(() => process.exit(0));
      server.closeAllConnections();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  } catch (error) {
    log('fatal', `cannot serve health checks on ${host}:${port}: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
