import type { ServerResponse } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';

/** Where a consumer of the event log stands, read at each scrape. */
export interface ConsumerProgress {
  /** The last stream sequence the consumer has handled. */
  readonly position: () => number;
  /** The stream's last sequence now. */
  readonly streamLastSeq: () => Promise<number>;
}

/** Counts the events of one commit a consumer has handled. */
export type CountConsumed = (events: readonly { readonly type: string }[]) => void;

/**
 * The process's Prometheus registry: Node.js's default metrics and the event-log metrics every
 * service shares, all labelled with the service. Service-specific metrics register on `registry`.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly appended: Counter<'type'>;
  private readonly consumed: Counter<'consumer' | 'type'>;
  private readonly consumers = new Map<string, ConsumerProgress>();

  constructor(service: string, labels: Readonly<Record<string, string>> = {}) {
    this.registry.setDefaultLabels({ ...labels, service });
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.appended = new Counter({
      name: 'lbaas_events_appended_total',
      help: 'Events this process appended to the event log, by type.',
      labelNames: ['type'],
      registers,
    });
    this.consumed = new Counter({
      name: 'lbaas_events_consumed_total',
      help: 'Events a consumer of the event log has handled, by type.',
      labelNames: ['consumer', 'type'],
      registers,
    });
    const consumers = this.consumers;
    new Gauge({
      name: 'lbaas_consumer_position',
      help: 'The last stream sequence a consumer of the event log has handled.',
      labelNames: ['consumer'],
      registers,
      collect() {
        for (const [consumer, progress] of consumers) this.set({ consumer }, progress.position());
      },
    });
    new Gauge({
      name: 'lbaas_consumer_lag',
      help: "The stream's last sequence minus a consumer's position: commits it has yet to handle.",
      labelNames: ['consumer'],
      registers,
      async collect() {
        await Promise.all(
          [...consumers].map(async ([consumer, progress]) => {
            try {
              this.set({ consumer }, Math.max(0, (await progress.streamLastSeq()) - progress.position()));
            } catch {
              // NATS unreachable: no value is better than a stale one; /readyz says why.
              this.remove({ consumer });
            }
          }),
        );
      },
    });
  }

  /** For the event store's append hook: every event of a commit that was stored (not a duplicate). */
  readonly countAppended = (events: readonly { readonly type: string }[]): void => {
    for (const event of events) this.appended.inc({ type: event.type });
  };

  /** Registers a consumer of the event log for the position and lag gauges; returns its event counter. */
  trackConsumer(consumer: string, progress: ConsumerProgress): CountConsumed {
    this.consumers.set(consumer, progress);
    return (events) => {
      for (const event of events) this.consumed.inc({ consumer, type: event.type });
    };
  }

  /** Answers a scrape with the text exposition format. */
  async respond(res: ServerResponse): Promise<void> {
    try {
      const body = await this.registry.metrics();
      res.writeHead(200, { 'Content-Type': this.registry.contentType }).end(body);
    } catch (error) {
      res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`metrics could not be collected: ${String(error)}`);
    }
  }
}
