import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import {
  Projector,
  type ReadModelConnections,
  rebuildBeside,
  REBUILD_PROGRESS_SUBJECT,
  type RebuildProgress,
  type RebuildProgressMessage,
  type RebuildReply,
} from '@lbaas/read-models';
import { type CountConsumed, ServiceMetrics } from '@lbaas/service-shell';
import type { Logger } from 'pino';
import { CheckpointGate } from './checkpoint-gate';
import { EVENT_LOG, type EventLog, type RunningConsumer } from './event-log';
import { LOGGER } from './logger';

export const READ_MODEL_CONNECTIONS = Symbol('READ_MODEL_CONNECTIONS');

export interface Readiness {
  readonly ready: boolean;
  readonly natsConnected: boolean;
  readonly caughtUp: boolean;
  readonly rebuilding: boolean;
  readonly checkpoint: number;
}

export class RebuildInProgress extends Error {}

/**
 * Feeds the projector from the durable consumer, a batch of commits per transaction, and tells the
 * checkpoint gate after each commit. The database's checkpoint decides where the consumer
 * starts, so a fresh or rebuilt database never misses what an older consumer had acknowledged.
 */
@Injectable()
export class LiveProjection implements OnApplicationBootstrap, OnApplicationShutdown {
  private consumer: RunningConsumer | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private turns: Promise<unknown> = Promise.resolve();
  private rebuilding = false;
  /** Only a rebuild in place empties the tables queries read; one beside them leaves them serving. */
  private rebuildingInPlace = false;
  /** The consumer is stopped for a rebuild: in place all along, beside only for its last commits and the swap. */
  private pausedForRebuild = false;
  private stopping = false;
  /** The stream's last sequence when the consumer started; ready once the checkpoint reaches it. */
  private catchUpTarget = Number.POSITIVE_INFINITY;
  private readonly consumed: CountConsumed;

  constructor(
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(READ_MODEL_CONNECTIONS) private readonly connections: ReadModelConnections,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly projector: Projector,
    private readonly gate: CheckpointGate,
    metrics: ServiceMetrics,
  ) {
    // The checkpoint is the committed position: what a restart would resume after.
    this.consumed = metrics.trackConsumer('projections', { position: () => this.gate.checkpoint, streamLastSeq: () => this.log.lastSeq() });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.log.ensureStream();
    await this.startConsumer();
  }

  readiness(): Readiness {
    const caughtUp = this.gate.checkpoint >= this.catchUpTarget;
    const natsConnected = this.log.connected;
    return {
      ready: natsConnected && caughtUp && !this.rebuildingInPlace,
      natsConnected,
      caughtUp,
      rebuilding: this.rebuilding,
      checkpoint: this.gate.checkpoint,
    };
  }

  /** Resolves when queries can read the tables: at once, except while a rebuilt file is swapped in. */
  readable(): Promise<void> {
    return this.connections.readable();
  }

  /**
   * On a SQLite file, builds a new file beside the serving one while that one keeps answering and
   * following the stream, then pauses the consumer for the new file's last commits and the swap
   * (rebuild-beside.ts). Elsewhere, pauses the consumer and replays the whole stream into emptied tables.
   */
  async rebuild(): Promise<RebuildReply> {
    if (this.rebuilding) throw new RebuildInProgress('A rebuild is already running.');
    this.rebuilding = true;
    this.rebuildingInPlace = this.connections.rebuildPath === null;
    try {
      const total = await this.log.lastSeq();
      this.logger.info({ total, inPlace: this.rebuildingInPlace }, 'rebuild started');
      const onProgress = (progress: RebuildProgress): void => {
        if (this.rebuildingInPlace) this.gate.moveTo(progress.position);
        const eventsPerSecond = progress.seconds > 0 ? Math.round(progress.events / progress.seconds) : 0;
        const message: RebuildProgressMessage = {
          events: progress.events,
          commits: progress.commits,
          position: progress.position,
          total,
          eventsPerSecond,
        };
        this.log.publish(REBUILD_PROGRESS_SUBJECT, message);
      };
      let result: RebuildProgress;
      if (this.rebuildingInPlace) {
        await this.pauseConsumer();
        this.gate.moveTo(0);
        result = await this.projector.rebuild(this.log.replay(), { onProgress });
      } else {
        result = await rebuildBeside(this.connections, this.projector, {
          replay: (fromSeq) => this.log.replay(fromSeq),
          pauseLive: () => this.pauseConsumer(),
          onProgress,
        });
      }
      this.gate.moveTo(result.position);
      this.logger.info({ ...result }, 'rebuild finished');
      return { events: result.events, commits: result.commits, seconds: result.seconds };
    } finally {
      // Also after a failed rebuild: the consumer resumes from the checkpoint of the file that serves.
      this.rebuilding = false;
      this.rebuildingInPlace = false;
      this.pausedForRebuild = false;
      await this.startConsumer().catch((error: unknown) => this.retryStart(error));
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.stopConsumer();
    this.gate.close();
    await this.log.close();
    await this.connections.close();
    this.logger.info({ checkpoint: this.gate.checkpoint }, 'projections stopped');
  }

  /** Starting and stopping the consumer take turns, so a restart never overlaps a rebuild's pause. */
  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const run = this.turns.then(work, work);
    this.turns = run.catch(() => undefined);
    return run;
  }

  private startConsumer(): Promise<void> {
    return this.inTurn(async () => {
      if (this.consumer || this.pausedForRebuild || this.stopping) return;
      const position = await this.projector.position();
      this.gate.moveTo(position);
      this.catchUpTarget = await this.log.lastSeq();
      this.logger.info({ checkpoint: position, streamLastSeq: this.catchUpTarget }, 'consuming the event log');
      const consumer = await this.log.consume(position + 1, async (batch) => {
        const result = await this.projector.applyCommits(batch);
        this.gate.moveTo(result.position);
        for (const { commit } of batch) this.consumed(commit.events);
      });
      this.consumer = consumer;
      void consumer.done.then(() => {
        if (this.consumer !== consumer || this.stopping) return;
        this.consumer = null;
        this.retryStart(new Error('the event log consumer ended on its own'));
      });
    });
  }

  private retryStart(error: unknown): void {
    if (this.stopping) return;
    this.logger.error({ err: error }, 'consuming the event log stopped: restarting from the checkpoint in 1 s');
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.startConsumer().catch((again: unknown) => this.retryStart(again));
    }, 1000);
  }

  private pauseConsumer(): Promise<void> {
    this.pausedForRebuild = true;
    return this.stopConsumer();
  }

  private stopConsumer(): Promise<void> {
    return this.inTurn(async () => {
      if (this.restartTimer) clearTimeout(this.restartTimer);
      this.restartTimer = null;
      const consumer = this.consumer;
      this.consumer = null;
      await consumer?.stop();
    });
  }
}
