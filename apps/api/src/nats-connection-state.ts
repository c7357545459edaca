import type { OnApplicationShutdown } from '@nestjs/common';
import { Events, type NatsConnection } from 'nats';

/**
 * The api's own NATS connection (the event log's): whether it is connected now, for /readyz,
 * and a drain on shutdown so that no acknowledged append is cut off.
 */
export class NatsConnectionState implements OnApplicationShutdown {
  private up = true;

  constructor(private readonly nc: NatsConnection) {
    void this.follow();
  }

  get connected(): boolean {
    return this.up && !this.nc.isClosed() && !this.nc.isDraining();
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.drain().catch(() => undefined);
  }

  private async follow(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type === Events.Disconnect) this.up = false;
      else if (status.type === Events.Reconnect) this.up = true;
    }
  }
}
