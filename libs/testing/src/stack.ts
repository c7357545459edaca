import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runTemporaryDirectory } from './exit-cleanup';
import { freePort } from './free-port';
import { type NatsClusterHandle, startNatsCluster } from './nats-cluster';
import { type NatsServerHandle, startNatsServer } from './nats-server';
import { type ServiceProcess, spawnService } from './service-process';

export interface DevToken {
  readonly token: string;
  readonly tenant_id: string;
  readonly roles: readonly string[];
}
export interface StackTokens {
  readonly admin: DevToken;
  readonly demo: DevToken;
  readonly other: DevToken;
  readonly reader: DevToken;
  /** Octavia's tenants: load-balancer_member beside member, as a Keystone user has them; lbdemo in demo's project, lbother in another. */
  readonly lbdemo: DevToken;
  readonly lbother: DevToken;
}
export type StackService = 'api' | 'projections';

/** The stack's event log: one nats-server, or a cluster whose `url` lists every node. */
export interface Stack<Nats extends NatsServerHandle | NatsClusterHandle = NatsServerHandle> {
  readonly apiUrl: string;
  /** The api's second application: Octavia's v2 API. */
  readonly octaviaUrl: string;
  readonly projectionsUrl: string;
  readonly tokens: StackTokens;
  readonly nats: Nats;
  readonly dir: string;
  /**
   * The deployment's certificate key (64 hex characters, mode 0600) the api seals tenants'
   * private keys with: give node agents the same file as LBAAS_CERTIFICATE_KEY_FILE.
   */
  readonly certificateKeyFile: string;
  readonly services: Readonly<Record<StackService, ServiceProcess>>;
  /** SIGKILL a service (a crash). */
  killService(name: StackService): Promise<void>;
  /** Start a stopped or killed service again and wait until it is healthy. */
  startService(name: StackService): Promise<void>;
  /** SIGTERM a service (a graceful stop), start it again and wait until it is healthy. */
  restartService(name: StackService): Promise<void>;
  stop(): Promise<void>;
}

/** A bound for a loaded CI machine, not an expectation: both services start in about a second. */
const HEALTHY_WITHIN_MS = 60_000;
const REPO = resolve(__dirname, '..', '..', '..');
export const builtService = (app: string): string => join(REPO, 'apps', app, 'dist', 'main.js');

const token = (tenant: string, roles: string[]): DevToken => ({ token: randomBytes(24).toString('hex'), tenant_id: tenant, roles });
const tenant = (): string => randomUUID().replace(/-/g, '');

async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

export interface StackOptions {
  readonly env?: Record<string, string>;
}

/**
 * The system as black-box tests see it: a real nats-server and the BUILT projections and api
 * on free loopback ports, with a throw-away SQLite read model and token file. With `cluster: n`
 * the event log is an n-node JetStream cluster and every stream and bucket has n replicas.
 */
// The plain form last: `ReturnType<typeof startStack>`, which tests use for their stack, takes the last overload.
export function startStack(options: StackOptions & { cluster: number }): Promise<Stack<NatsClusterHandle>>;
export function startStack(options?: StackOptions): Promise<Stack>;
export async function startStack(options: StackOptions & { cluster?: number } = {}): Promise<Stack<NatsServerHandle | NatsClusterHandle>> {
  for (const app of ['projections', 'api']) {
    if (!existsSync(builtService(app))) throw new Error(`${builtService(app)} is missing: build first (npm run build; make test does)`);
  }
  const dir = runTemporaryDirectory('stack');
  const nats = options.cluster === undefined ? await startNatsServer() : await startNatsCluster(options.cluster);
  const [apiPort, octaviaPort, projectionsPort] = [await freePort(), await freePort(), await freePort()];
  const demoTenant = tenant();
  const tokens: StackTokens = {
    admin: token(tenant(), ['admin']),
    demo: token(demoTenant, ['member']),
    other: token(tenant(), ['member']),
    reader: token(demoTenant, ['reader']),
    lbdemo: token(demoTenant, ['member', 'load-balancer_member']),
    lbother: token(tenant(), ['member', 'load-balancer_member']),
  };
  const tokensFile = join(dir, 'tokens.json');
  writeFileSync(tokensFile, JSON.stringify(tokens, null, 2), { mode: 0o600 });
  const certificateKeyFile = options.env?.LBAAS_CERTIFICATE_KEY_FILE ?? join(dir, 'certificate.key');
  if (!existsSync(certificateKeyFile)) writeFileSync(certificateKeyFile, randomBytes(32).toString('hex'), { mode: 0o600 });
  // Settings of the developer's shell must not leak in: a test never reaches a PostgreSQL it was
  // not given, never runs without auth, never binds beyond loopback.
  const common = {
    LBAAS_NATS_URL: nats.url,
    LBAAS_STREAM_REPLICAS: String(options.cluster ?? 1),
    LBAAS_LOG_LEVEL: 'info',
    LBAAS_DB_URL: '',
    LBAAS_NOAUTH: '',
    LBAAS_API_HOST: '127.0.0.1',
    LBAAS_PROJECTIONS_HOST: '127.0.0.1',
    ...options.env,
  };
  const services: Record<StackService, ServiceProcess> = {
    projections: spawnService('projections', builtService('projections'), {
      ...common,
      LBAAS_PROJECTIONS_PORT: String(projectionsPort),
      LBAAS_DB_PATH: join(dir, 'read-models.sqlite'),
    }),
    api: spawnService('api', builtService('api'), {
      ...common,
      LBAAS_API_PORT: String(apiPort),
      LBAAS_OCTAVIA_PORT: String(octaviaPort),
      LBAAS_TOKENS_FILE: tokensFile,
      LBAAS_CERTIFICATE_KEY_FILE: certificateKeyFile,
    }),
  };
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const octaviaUrl = `http://127.0.0.1:${octaviaPort}`;
  const projectionsUrl = `http://127.0.0.1:${projectionsPort}`;
  const health: Record<StackService, string> = { api: `${apiUrl}/readyz`, projections: `${projectionsUrl}/healthz` };
  // A service that exits fails the wait at once, with its last log lines, rather than at the bound.
  const waitHealthy = async (name: StackService): Promise<void> => {
    const deadline = Date.now() + HEALTHY_WITHIN_MS;
    while (Date.now() < deadline) {
      if (!services[name].running()) throw new Error(`${name} exited:\n${services[name].logs().slice(-3000)}`);
      if (await healthy(health[name])) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${name} was not healthy within ${HEALTHY_WITHIN_MS} ms:\n${services[name].logs().slice(-3000)}`);
  };
  const stop = async (): Promise<void> => {
    await Promise.all(Object.values(services).map((s) => s.stop()));
    await nats.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitHealthy('projections');
    await waitHealthy('api');
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    apiUrl,
    octaviaUrl,
    projectionsUrl,
    tokens,
    nats,
    dir,
    certificateKeyFile,
    services,
    killService: (name) => services[name].kill(),
    startService: async (name) => {
      services[name].start();
      await waitHealthy(name);
    },
    restartService: async (name) => {
      await services[name].stop();
      services[name].start();
      await waitHealthy(name);
    },
    stop,
  };
}
