import type { EventEnvelope } from '@lbaas/domain';
import { type CommitFollower, followCommits } from '@lbaas/event-log';
import { holdLeaderLease, type LeaderLease } from '@lbaas/coordination';
import { CoalescedRounds, type ServiceMetrics } from '@lbaas/service-shell';
import type { Logger } from 'pino';
import { type LogConnection, ServiceLifetime } from './service-lifetime';

export interface LeaderWorkerOptions {
  /** The service, for example `scheduler`: its health answers, NATS connection, consumer metrics and lease role. */
  readonly name: string;
  /** How its log lines name it: `<title> caught up with the event log`. */
  readonly title: string;
  readonly natsUrl: string;
  readonly health: { readonly host: string; readonly port: number };
  readonly leaseTtlMs: number;
  /** How often a round is kicked besides after each commit and each change of leadership. */
  readonly tickMs: number;
  readonly log: Logger;
  readonly metrics: ServiceMetrics;
  /** The log lines that say what this service does as the leader, as a follower, and when a round fails. */
  readonly says: { readonly leading: string; readonly following: string; readonly roundFailed: string };
  /** Folds one event into the service's memory; `live` is false while the log is replayed at start. */
  readonly fold: (event: EventEnvelope, seq: number, live: boolean) => void;
  /** One round of work: only once the log is folded and while this replica leads, never two at once. */
  readonly round: (worker: LeaderWorker) => Promise<void>;
  /** A round passed over: the log is still being folded or another replica leads. */
  readonly idle?: () => void;
  /** The service's own fields of `/healthz`, after `leading` and `position`. */
  readonly details: () => Record<string, unknown>;
  /** The service's own fields of the caught-up line, after `position`. */
  readonly caughtUpDetails?: () => Record<string, unknown>;
  /** Runs once `/healthz` answers, before NATS; what it registers with `onStop` ends after NATS. */
  readonly beforeConnect?: (lifetime: ServiceLifetime) => Promise<void>;
  /** Runs once the stream exists, before the log is followed. */
  readonly onConnected?: (connection: LogConnection) => Promise<void>;
}

export interface LeaderWorker extends LogConnection {
  leading(): boolean;
  /** The sequence of the last commit folded. */
  position(): number;
  /** Resolves once the fold has reached `seq`: a round sees its own appends before the next one decides. */
  waitFor(seq: number): Promise<void>;
  /** Runs a round now, or once more after the one in progress. */
  kick(): void;
  /** Ends the rounds, the lease, the following, NATS (drained), what `beforeConnect` started and the health endpoints, in that order. */
  stop(): Promise<void>;
}

/**
 * The shell of a service that keeps a fold of the event log in memory and acts on it as the one
 * leader among its replicas: it serves health, connects, follows the log from sequence 1, holds
 * the lease, and runs `round` after every commit, every change of leadership and every tick.
 * Resolves once the log as it was at start is folded.
 */
export async function runLeaderWorker(options: LeaderWorkerOptions): Promise<LeaderWorker> {
  const { name, log, says } = options;
  let follower: CommitFollower | null = null;
  let lease: LeaderLease | null = null;
  let caughtUp = false;
  const position = (): number => follower?.seq() ?? 0;
  const leading = (): boolean => lease?.leading() ?? false;
  const lifetime = await ServiceLifetime.serve({
    name,
    health: options.health,
    metrics: options.metrics,
    position,
    notReady: () => (caughtUp ? null : 'folding the event log'),
    details: () => ({ leading: leading(), position: position(), ...options.details() }),
  });
  await options.beforeConnect?.(lifetime);
  const connection = await lifetime.connect(options.natsUrl, 'drain');
  await options.onConnected?.(connection);
  const worker: LeaderWorker = {
    ...connection,
    leading,
    position,
    waitFor: (seq) => follower?.waitFor(seq) ?? Promise.resolve(),
    kick: () => rounds.kick(),
    stop: () => lifetime.stop(),
  };
  const rounds = new CoalescedRounds(
    async () => {
      if (caughtUp && leading()) await options.round(worker);
      else options.idle?.();
    },
    (error: unknown) => log.error({ err: error }, says.roundFailed),
  );

  const following = await followCommits({
    nc: connection.nc,
    onCommit: ({ seq, commit }) => {
      for (const event of commit.events) options.fold(event, seq, caughtUp);
      lifetime.consumed(commit.events);
      rounds.kick();
    },
    onPoison: (p) => log.error({ seq: p.seq, subject: p.subject, err: p.error }, 'passed over a message that is not a commit'),
  });
  follower = following;
  lifetime.onStop(() => following.stop());
  const held = await holdLeaderLease({
    nc: connection.nc,
    role: name,
    holder: `${name} pid ${process.pid}`,
    ttlMs: options.leaseTtlMs,
    onChange: (isLeading) => {
      log.info({ leading: isLeading }, isLeading ? says.leading : says.following);
      rounds.kick();
    },
  });
  lease = held;
  lifetime.onStop(() => held.release());
  await following.caughtUp;
  caughtUp = true;
  log.info({ position: following.seq(), ...options.caughtUpDetails?.() }, `${options.title} caught up with the event log`);
  const timer = setInterval(() => rounds.kick(), options.tickMs);
  lifetime.onStop(() => {
    clearInterval(timer);
    return rounds.stop();
  });
  rounds.kick();
  return worker;
}
