import { ClientProxyFactory, Transport } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';

export interface ProjectionsClient {
  ask<R>(pattern: string, data: object): Promise<R>;
  close(): Promise<void>;
}

/**
 * Asks the projections service over NATS request/reply through the same @nestjs/microservices
 * transport the api uses, so the wire format ({pattern, data, id} out, {response, err,
 * isDisposed, id} back) is the transport's own.
 */
export function projectionsClient(natsUrl: string, requestTimeoutMs: number): ProjectionsClient {
  const client = ClientProxyFactory.create({ transport: Transport.NATS, options: { servers: natsUrl.split(','), name: 'lbaas-cli' } });
  return {
    ask: <R>(pattern: string, data: object) => firstValueFrom(client.send<R>(pattern, data).pipe(timeout(requestTimeoutMs))),
    close: async () => {
      await client.close();
    },
  };
}
