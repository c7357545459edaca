import { readFileSync } from 'node:fs';
import { connect, type ConnectionOptions, type NatsConnection } from 'nats';

/** Where `make up` runs nats-server; every service and the CLI default to it. */
export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';

/** LBAAS_NATS_URL (blank counts as unset), else the default. */
export const natsUrlFromEnv = (env: NodeJS.ProcessEnv = process.env): string => env.LBAAS_NATS_URL?.trim() || DEFAULT_NATS_URL;

/** LBAAS_NATS_URL may list every server of a cluster, comma-separated; any one of them is a way in. */
export const natsServers = (url: string): string[] =>
  url
    .split(',')
    .map((server) => server.trim())
    .filter((server) => server.length > 0);

/**
 * Reconnect for as long as the service lives: a cluster node that goes away moves the client to
 * another, and a lone server that restarts is found again. The wait between rounds over the
 * servers stays short so that a write waits for a new stream leader rather than for the client.
 */
export const RECONNECT_FOREVER = {
  maxReconnectAttempts: -1,
  reconnectTimeWait: 250,
  reconnectJitter: 100,
} as const satisfies ConnectionOptions;

/**
 * nats.js builds an Error up front for every request and publish, so that a timeout can say where
 * it was asked; under the create load that stack capture was a tenth of the api's CPU (issue 17's
 * profile). Errors keep their message and code, only that extra stack goes.
 */
export const WITHOUT_ASYNC_TRACES = { noAsyncTraces: true } as const satisfies ConnectionOptions;

/**
 * LBAAS_STREAM_REPLICAS: how many copies JetStream keeps of the event stream, the KV buckets and
 * the object store. 1 on a single server; 3 on a three-node cluster, so that a write acknowledged
 * by a quorum survives the loss of any one node.
 */
export function streamReplicasFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.LBAAS_STREAM_REPLICAS?.trim() ?? '';
  if (raw === '') return 1;
  const replicas = Number(raw);
  // JetStream itself allows 1 to 5.
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 5) throw new Error(`LBAAS_STREAM_REPLICAS must be 1 to 5, not '${raw}'`);
  return replicas;
}

/**
 * The service's own NATS user (LBAAS_NATS_USER) and its password, read from a file
 * (LBAAS_NATS_PASSWORD_FILE, a Docker secret in production) so it is in no environment, command
 * line or log; neither set, no authentication (a development server on loopback).
 */
export function natsCredentialsFromEnv(env: NodeJS.ProcessEnv = process.env): Pick<ConnectionOptions, 'user' | 'pass'> {
  const user = env.LBAAS_NATS_USER?.trim() ?? '';
  const passwordFile = env.LBAAS_NATS_PASSWORD_FILE?.trim() ?? '';
  if (user === '' && passwordFile === '') return {};
  if (user === '' || passwordFile === '') throw new Error('LBAAS_NATS_USER and LBAAS_NATS_PASSWORD_FILE go together: set both or neither');
  let pass: string;
  try {
    pass = readFileSync(passwordFile, 'utf8').trim();
  } catch (error) {
    throw new Error(`cannot read LBAAS_NATS_PASSWORD_FILE ${passwordFile}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (pass === '') throw new Error(`LBAAS_NATS_PASSWORD_FILE ${passwordFile} is empty`);
  return { user, pass };
}

/** A connection that keeps reconnecting for as long as the service lives. */
export function connectNats(name: string, url = natsUrlFromEnv()): Promise<NatsConnection> {
  return connect({
    servers: natsServers(url),
    name,
    ...natsCredentialsFromEnv(),
    ...RECONNECT_FOREVER,
    ...WITHOUT_ASYNC_TRACES,
    waitOnFirstConnect: true,
  });
}
