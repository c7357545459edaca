import { connect, type NatsConnection } from 'nats';

export const natsUrlFromEnv = (): string => process.env.LBAAS_NATS_URL ?? 'nats://127.0.0.1:4222';

/** A connection that keeps reconnecting for as long as the service lives. */
export function connectNats(name: string, url = natsUrlFromEnv()): Promise<NatsConnection> {
  return connect({
    servers: url.split(','),
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    waitOnFirstConnect: true,
  });
}
