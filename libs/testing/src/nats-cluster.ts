import { freePort, waitFor } from './free-port';
import { type NatsServerHandle, startNatsServer } from './nats-server';

/** A bound for a loaded machine; three loopback nodes usually elect a metadata leader within a second. */
const META_LEADER_WITHIN_MS = 30_000;

export interface NatsClusterHandle {
  /** Every node's client URL, comma-separated: what the services get as LBAAS_NATS_URL. */
  readonly url: string;
  /** The nodes, lbt-nats-1 first; each kills, starts and restarts on its own ports and store. */
  readonly nodes: readonly NatsServerHandle[];
  /** Stops every node and removes their stores. */
  stop(): Promise<void>;
}

/** `count` ports on 127.0.0.1, all different: the kernel may hand the same free port out twice. */
async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/**
 * `size` real nats-servers (lbt-nats-1..size) routed into one JetStream cluster on free loopback
 * ports, each with a temporary store. Resolves once the cluster has a metadata leader, so that
 * streams with `size` replicas can be created at once. Stop it in afterAll.
 */
export async function startNatsCluster(size = 3): Promise<NatsClusterHandle> {
  const ports = await distinctFreePorts(2 * size);
  const [clientPorts, routePorts] = [ports.slice(0, size), ports.slice(size)];
  const cluster = { name: `lbt-cluster-${clientPorts[0]}`, routePorts };
  const started = await Promise.allSettled(
    clientPorts.map((port, i) => startNatsServer({ port, name: `lbt-nats-${i + 1}`, cluster: { ...cluster, port: routePorts[i] } })),
  );
  const nodes = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const stop = async (): Promise<void> => {
    await Promise.all(nodes.map((node) => node.stop()));
  };
  try {
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    // The servers say so in their logs; asking over JetStream would need a client this library does not carry.
    await waitFor('a JetStream metadata leader', () => nodes.some((node) => /metadata leader/.test(node.logs())), META_LEADER_WITHIN_MS);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: nodes.map((node) => node.url).join(','), nodes, stop };
}
