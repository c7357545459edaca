import { QUERY_PATTERNS, type StatusReply } from '@lbaas/read-models';
import { projectionsClient } from './projections-client';

/** The services beside the api and the projections, each answering /healthz on its own port. */
const OTHER_SERVICES: readonly (readonly [string, number])[] = [
  ['scheduler', 9700],
  ['config-renderer', 9701],
  ['audit', 9698],
  ['dashboard', 9702],
  ['compute-node-1', 9711],
  ['compute-node-2', 9712],
  ['compute-node-3', 9713],
];

export interface StatusRow {
  readonly name: string;
  readonly state: string;
  /** Whether the row counts for the exit status: the api and the projections do. */
  readonly required: boolean;
  readonly up: boolean;
}

async function probe(url: string): Promise<{ up: boolean; state: string }> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await res.body?.cancel();
    return res.ok ? { up: true, state: 'up' } : { up: false, state: `answers ${res.status}` };
  } catch {
    return { up: false, state: 'down' };
  }
}

export async function collectStatus(apiUrl: string, natsUrl: string): Promise<StatusRow[]> {
  const api = await probe(`${apiUrl}/healthz`);
  const rows: StatusRow[] = [{ name: 'api', state: api.state, required: true, up: api.up }];
  const client = projectionsClient(natsUrl, 3000);
  try {
    const s = await client.ask<StatusReply>(QUERY_PATTERNS.status, {});
    const state = `up, at sequence ${s.checkpoint} of ${s.streamLastSeq} (lag ${s.streamLastSeq - s.checkpoint})`;
    rows.push({ name: 'projections', state, required: true, up: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    rows.push({ name: 'projections', state: `no answer over NATS (${reason})`, required: true, up: false });
  } finally {
    await client.close();
  }
  for (const [name, port] of OTHER_SERVICES) {
    const p = await probe(`http://127.0.0.1:${port}/healthz`);
    rows.push({ name, state: p.state, required: false, up: p.up });
  }
  return rows;
}

export const formatStatus = (rows: readonly StatusRow[]): string => rows.map((r) => `${r.name.padEnd(17)}${r.state}`).join('\n');

export const statusExitCode = (rows: readonly StatusRow[]): number => (rows.every((r) => r.up || !r.required) ? 0 : 1);
