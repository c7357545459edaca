import { type NatsConnection, nanos, StorageType, type StreamConfig } from 'nats';
import { apiErrorCode, JetStreamApiError } from './jetstream-errors';
import { streamReplicasFromEnv } from './nats-connection';
import { ALL_EVENTS_SUBJECT, STREAM_NAME } from './subjects';

/** How long JetStream remembers a `Nats-Msg-Id`: a retried append within it is stored once. */
export const DUPLICATE_WINDOW_MS = 120_000;

/** The configuration of LBAAS_EVENTS (ARCHITECTURE.md section 3). */
export const eventStreamConfig = (replicas = 1): Partial<StreamConfig> & { name: string } => ({
  name: STREAM_NAME,
  subjects: [ALL_EVENTS_SUBJECT],
  storage: StorageType.File,
  num_replicas: replicas,
  duplicate_window: nanos(DUPLICATE_WINDOW_MS),
  // The event store validates its cache with a direct get of the subject's last message.
  allow_direct: true,
});

/**
 * Creates LBAAS_EVENTS, or brings the settings this system relies on up to date. Safe to call
 * from every service at start-up, concurrently. Replicas only ever grow here: a service started
 * without LBAAS_STREAM_REPLICAS must not shrink a clustered log to one copy.
 */
export async function ensureEventStream(nc: NatsConnection, replicas = streamReplicasFromEnv()): Promise<void> {
  const jsm = await nc.jetstreamManager({ checkAPI: false });
  const wanted = eventStreamConfig(replicas);
  try {
    const { config } = await jsm.streams.info(STREAM_NAME);
    const current =
      config.subjects.length === 1 &&
      config.subjects[0] === ALL_EVENTS_SUBJECT &&
      config.duplicate_window === wanted.duplicate_window &&
      config.allow_direct === true &&
      config.num_replicas >= replicas;
    if (!current) {
      await jsm.streams.update(STREAM_NAME, {
        ...config,
        subjects: wanted.subjects,
        duplicate_window: wanted.duplicate_window,
        allow_direct: true,
        num_replicas: Math.max(config.num_replicas, replicas),
      });
    }
  } catch (error) {
    if (apiErrorCode(error) !== JetStreamApiError.StreamNotFound) throw error;
    try {
      await jsm.streams.add(wanted);
    } catch (addError) {
      if (apiErrorCode(addError) !== JetStreamApiError.StreamNameInUse) throw addError; // another service was first
    }
  }
}

/** The stream's last sequence (0 before the first append): how far a reader has to go to be caught up. */
export async function streamLastSeq(nc: NatsConnection): Promise<number> {
  const jsm = await nc.jetstreamManager({ checkAPI: false });
  try {
    return (await jsm.streams.info(STREAM_NAME)).state.last_seq;
  } catch (error) {
    if (apiErrorCode(error) === JetStreamApiError.StreamNotFound) return 0;
    throw error;
  }
}
