import { connectNats } from '@lbaas/event-log';
import { QUERY_PATTERNS, REBUILD_PROGRESS_SUBJECT, type RebuildProgressMessage, type RebuildResult } from '@lbaas/read-models';
import { JSONCodec } from 'nats';
import { projectionsClient } from './projections-client';

/** A rebuild of a long log takes minutes; the bound only keeps a lost reply from hanging forever. */
const REBUILD_TIMEOUT_MS = 30 * 60_000;

export function progressLine(p: RebuildProgressMessage, width = 30): string {
  const fraction = p.total > 0 ? Math.min(1, Math.max(0, p.position / p.total)) : 1;
  const filled = Math.round(fraction * width);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
  return `${bar} ${(fraction * 100).toFixed(0).padStart(3)}%  ${p.events} events  ${Math.round(p.eventsPerSecond)} events/s`;
}

export function summaryLine(result: RebuildResult): string {
  if ('error' in result) return `rebuild failed: ${result.error.type}: ${result.error.message}`;
  const rate = result.seconds > 0 ? Math.round(result.events / result.seconds) : result.events;
  return `rebuilt the read models from ${result.events} events in ${result.commits} commits in ${result.seconds.toFixed(2)} s (${rate} events/s)`;
}

/** Asks the projections service to drop its read models and replay the log, showing its progress. */
export async function rebuild(natsUrl: string, out: { progress(line: string): void; result(line: string): void }): Promise<RebuildResult> {
  const nc = await connectNats('lbaas-cli-progress', natsUrl);
  const codec = JSONCodec<RebuildProgressMessage>();
  // Subscribed before the request, so the first batch's progress is not missed.
  const progress = nc.subscribe(REBUILD_PROGRESS_SUBJECT);
  const printing = (async () => {
    for await (const m of progress) out.progress(progressLine(codec.decode(m.data)));
  })();
  await nc.flush();
  const client = projectionsClient(natsUrl, REBUILD_TIMEOUT_MS);
  try {
    const result = await client.ask<RebuildResult>(QUERY_PATTERNS.rebuild, {});
    out.result(summaryLine(result));
    return result;
  } finally {
    progress.unsubscribe();
    await printing;
    await client.close();
    await nc.close();
  }
}
