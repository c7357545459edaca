import { join } from 'node:path';
import { freePort } from './free-port';
import { type ServiceProcess, spawnService } from './service-process';
import { builtService } from './stack';

export interface PipelineOptions {
  readonly natsUrl: string;
  /** The placements' runtime directories go below it; the deployment key beside them. */
  readonly runRoot: string;
  /** compute-node-1..N. */
  readonly nodes: number;
  readonly driver: 'netns' | 'fake';
  /** The namespace prefix of the run's fabric (netns driver). */
  readonly prefix?: string;
  readonly schedulerSeed?: number;
  /** Beside the defaults, for every service (the stack's certificate key file for agents that serve TLS, a zone...). */
  readonly env?: Readonly<Record<string, string>>;
  /** For node N only (its zone, say). */
  readonly nodeEnv?: (n: number) => Readonly<Record<string, string>>;
}

/**
 * The services behind the api that turn the log into a data plane: the scheduler, the config
 * renderer and `nodes` node agents, each on a free health port, with the short heartbeats and
 * reconcile period the specs want. Not started: the caller starts them (and stops them at the end).
 */
export async function pipelineServices(o: PipelineOptions): Promise<ServiceProcess[]> {
  const env = {
    LBAAS_NATS_URL: o.natsUrl,
    LBAAS_RUN_DIR: o.runRoot,
    LBAAS_SECRET_KEY_FILE: join(o.runRoot, 'secret.key'),
    LBAAS_NODE_SILENCE_MS: '2000',
    ...o.env,
  };
  const services = [
    spawnService('scheduler', builtService('scheduler'), {
      ...env,
      LBAAS_HEALTH_PORT: String(await freePort()),
      LBAAS_SCHEDULER_SEED: String(o.schedulerSeed ?? 5),
    }),
    spawnService('config-renderer', builtService('config-renderer'), { ...env, LBAAS_HEALTH_PORT: String(await freePort()) }),
  ];
  for (let n = 1; n <= o.nodes; n++) {
    const agent = {
      ...env,
      LBAAS_HEALTH_PORT: String(await freePort()),
      LBAAS_NODE_DRIVER: o.driver,
      ...(o.prefix === undefined ? {} : { LBAAS_NS_PREFIX: o.prefix }),
      LBAAS_HEARTBEAT_MS: '300',
      LBAAS_RECONCILE_MS: '1000',
      ...o.nodeEnv?.(n),
    };
    services.push(spawnService(`node-${n}`, builtService('node-agent'), agent, [`compute-node-${n}`]));
  }
  return services;
}
