import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type AuditedMessage, AuditStore, describeAuditDatabase } from '@lbaas/audit-store';
import { ALL_EVENTS_SUBJECT, STREAM_NAME, streamLastSeq } from '@lbaas/event-log';
import { type CountConsumed, ServiceMetrics } from '@lbaas/service-shell';
import { ServiceLifetime } from '@lbaas/worker-shell';
import { type ConsumerMessages, DeliverPolicy, type NatsConnection } from 'nats';
import type { Logger } from 'pino';
import { auditedMessageOf } from './audited-message';
import type { AuditConfig } from './config';

export const AUDIT_CONFIG = Symbol('AUDIT_CONFIG');
export const LOGGER = Symbol('LOGGER');

/** Most messages in one transaction, and most read ahead of the store before reading pauses. */
const BATCH_LIMIT = 500;
const RESTART_DELAY_MS = 1000;

interface Subscription {
  readonly messages: ConsumerMessages;
  readonly reading: Promise<void>;
}

interface Connected {
  readonly store: AuditStore;
  readonly nc: NatsConnection;
  readonly consumed: CountConsumed;
}

/**
 * Writes every message of the event log to the audit store. The store's checkpoint is the only
 * position: an ordered consumer starts after it, and each batch's records go in with the new
 * checkpoint in one transaction, so a crash at any point resumes with no gap and no duplicate.
 * A failed write ends the subscription and a new one starts from the checkpoint, keeping order.
 */
@Injectable()
export class AuditSubscriber implements OnApplicationBootstrap, OnApplicationShutdown {
  private lifetime: ServiceLifetime | null = null;
  private connected: Connected | null = null;
  private subscription: Subscription | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private stopping = false;
  private position = 0;
  private records = 0;
  /** The stream's last sequence when the subscription started: ready once the store reaches it. */
  private catchUpTarget = Number.POSITIVE_INFINITY;
  private caughtUpLogged = false;
  private readonly metrics = new ServiceMetrics('audit');

  constructor(
    @Inject(AUDIT_CONFIG) private readonly config: AuditConfig,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const c = this.config;
    const lifetime = await ServiceLifetime.serve({
      name: 'audit',
      health: { host: c.healthHost, port: c.healthPort },
      metrics: this.metrics,
      position: () => this.position,
      notReady: () =>
        this.position < this.catchUpTarget ? `catching up with the event log: at ${this.position} of ${this.catchUpTarget}` : null,
      details: () => ({ position: this.position, records: this.records }),
    });
    this.lifetime = lifetime;
    const store = await AuditStore.open(c.database);
    lifetime.onStop(() => store.close());
    // It appends nothing, so nothing waits to be drained: the connection closes at once.
    const { nc } = await lifetime.connect(c.natsUrl, 'close');
    this.connected = { store, nc, consumed: lifetime.consumed };
    lifetime.onStop(() => this.stopReading());
    await this.subscribe();
  }

  private async subscribe(): Promise<void> {
    const connected = this.connected;
    if (!connected || this.stopping) return;
    const { store, nc } = connected;
    const head = await store.head();
    this.position = head?.position ?? 0;
    this.records = head?.records ?? 0;
    this.catchUpTarget = await streamLastSeq(nc);
    this.log.info(
      {
        position: this.position,
        records: this.records,
        streamLastSeq: this.catchUpTarget,
        database: describeAuditDatabase(this.config.database),
      },
      'auditing the event log',
    );
    const consumer = await nc.jetstream().consumers.get(STREAM_NAME, {
      filterSubjects: ALL_EVENTS_SUBJECT,
      // Never DeliverPolicy.All: the client keeps its opt_start_seq, which the server refuses with that policy.
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: this.position + 1,
    });
    const messages = await consumer.consume({ max_messages: BATCH_LIMIT });
    // A restart that was under way when shutdown began ends here rather than outliving it.
    if (this.stopping) messages.stop();
    this.subscription = { messages, reading: this.read(connected, messages) };
    this.noteCaughtUp();
  }

  /**
   * Messages that arrive while a transaction runs wait and go into the next one together: one
   * message per transaction when the log is quiet, large batches while catching up.
   */
  private async read({ store, consumed }: Connected, messages: ConsumerMessages): Promise<void> {
    const queue: AuditedMessage[] = [];
    let writing: Promise<void> | null = null;
    const write = async (): Promise<void> => {
      try {
        while (queue.length > 0) {
          const batch = queue.splice(0, BATCH_LIMIT);
          const head = await store.append(batch);
          for (const message of batch) if ('commit' in message) consumed(message.commit.events);
          this.position = head.position;
          this.records = head.records;
          this.noteCaughtUp();
        }
      } finally {
        // In the same turn as the empty-queue check, so a message queued later starts a new write.
        writing = null;
      }
    };
    let failure: unknown;
    try {
      for await (const message of messages) {
        queue.push(auditedMessageOf(message));
        if (!writing) {
          writing = write();
          writing.catch((error: unknown) => {
            failure = error;
            messages.stop();
          });
        }
        if (queue.length >= BATCH_LIMIT) await writing;
      }
      await writing;
    } catch (error) {
      failure = error;
    }
    if (!this.stopping) this.restart(failure ?? new Error('the subscription ended on its own'));
  }

  private noteCaughtUp(): void {
    if (this.caughtUpLogged || this.position < this.catchUpTarget) return;
    this.caughtUpLogged = true;
    this.log.info({ position: this.position, records: this.records }, 'audit trail caught up with the event log');
  }

  /** What was not committed is read again from the stream, after the checkpoint. */
  private restart(error: unknown): void {
    this.log.error(
      { err: error, position: this.position },
      `writing the audit trail failed: resuming from the checkpoint in ${RESTART_DELAY_MS} ms`,
    );
    this.subscription = null;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.subscribe().catch((again: unknown) => this.restart(again));
    }, RESTART_DELAY_MS);
  }

  private async stopReading(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const subscription = this.subscription;
    subscription?.messages.stop();
    // The transaction in progress commits; what was read beyond it is read again on the next start.
    await subscription?.reading;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.lifetime?.stop();
    this.log.info({ position: this.position, records: this.records }, 'audit stopped');
  }
}
