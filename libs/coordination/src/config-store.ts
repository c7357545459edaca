import { streamReplicasFromEnv } from '@lbaas/event-log';
import type { NatsConnection, ObjectStore } from 'nats';

/** Rendered files by content hash, and each placement's bundle by both hashes: the config renderer writes, node agents read. */
export const CONFIG_BUCKET = 'lbaas_configs';

export function configStore(nc: NatsConnection): Promise<ObjectStore> {
  return nc.jetstream().views.os(CONFIG_BUCKET, { replicas: streamReplicasFromEnv() });
}
