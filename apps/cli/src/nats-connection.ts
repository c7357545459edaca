import { connect, type NatsConnection } from 'nats';
import { natsCredentialsFromEnv } from '@lbaas/event-log';
import { CommandError } from './cli-errors';

/**
 * Unlike the services' connection, which waits for NATS for ever, a command says at once that
 * NATS cannot be reached; once connected it rides out a NATS restart like the services do.
 */
export async function connectCommand(name: string, natsUrl: string): Promise<NatsConnection> {
  try {
    return await connect({
      servers: natsUrl.split(','),
      name,
      ...natsCredentialsFromEnv(),
      timeout: 3000,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
    });
  } catch (error) {
    throw new CommandError(`cannot reach NATS at ${natsUrl} (LBAAS_NATS_URL): ${error instanceof Error ? error.message : String(error)}`);
  }
}
