import { connectNats, JetStreamEventStore, streamLastSeq } from '@lbaas/event-log';
import { type CountConsumed, serveHealth, type ServiceMetrics } from '@lbaas/service-shell';
import type { NatsConnection } from 'nats';

export interface ServiceLifetimeOptions {
  /** Names the health answers, the NATS connection (`lbaas-<name>`) and the service's consumer in the metrics. */
  readonly name: string;
  readonly health: { readonly host: string; readonly port: number };
  readonly metrics: ServiceMetrics;
  /** The last stream sequence the service has handled, for the consumer position and lag gauges. */
  readonly position: () => number;
  /** Why the service is not ready while it is connected to NATS, or null when it is. */
  readonly notReady: () => string | null;
  readonly details: () => Record<string, unknown>;
}

/**
 * How the NATS connection ends: `drain` lets what was published reach the server first; `close`
 * ends it at once, for a service that publishes nothing (a drain waits for the server to answer).
 */
export type NatsEnding = 'drain' | 'close';

export interface LogConnection {
  readonly nc: NatsConnection;
  /** Counts what it appends in the service's metrics. */
  readonly store: JetStreamEventStore;
}

/**
 * What every service on the event log is made of: `/healthz`, `/readyz` and `/metrics`, served
 * first so that a slow start still answers, then NATS and the stream. `stop` ends everything
 * started, the service's own parts included (`onStop`), in the reverse order.
 */
export class ServiceLifetime {
  private nc: NatsConnection | null = null;
  private readonly stops: (() => Promise<void>)[] = [];
  /** Counts the events of a commit the service has handled. */
  readonly consumed: CountConsumed;

  private constructor(private readonly options: ServiceLifetimeOptions) {
    this.consumed = options.metrics.trackConsumer(options.name, {
      position: options.position,
      streamLastSeq: () => (this.nc ? streamLastSeq(this.nc) : Promise.reject(new Error('not connected to NATS'))),
    });
  }

  static async serve(options: ServiceLifetimeOptions): Promise<ServiceLifetime> {
    const lifetime = new ServiceLifetime(options);
    const { name, health, metrics, details } = options;
    const server = await serveHealth({ name, host: health.host, port: health.port, metrics, details, notReady: () => lifetime.notReady() });
    lifetime.onStop(() => new Promise<void>((resolve) => server.close(() => resolve())));
    return lifetime;
  }

  /** `stop` runs before what was registered earlier, and after what is registered later. */
  onStop(stop: () => Promise<unknown> | void): void {
    this.stops.push(async () => {
      await stop();
    });
  }

  /** Connects to NATS and creates the stream, or brings its configuration up to date. */
  async connect(natsUrl: string, ending: NatsEnding): Promise<LogConnection> {
    const nc = await connectNats(`lbaas-${this.options.name}`, natsUrl);
    this.nc = nc;
    this.onStop(ending === 'drain' ? () => nc.drain().catch(() => undefined) : () => nc.close());
    const store = await JetStreamEventStore.create(nc, { onAppended: this.options.metrics.countAppended });
    await store.ensureStream();
    return { nc, store };
  }

  async stop(): Promise<void> {
    for (let stop = this.stops.pop(); stop; stop = this.stops.pop()) await stop();
  }

  private notReady(): string | null {
    return this.nc === null || this.nc.isClosed() ? 'not connected to NATS' : this.options.notReady();
  }
}
