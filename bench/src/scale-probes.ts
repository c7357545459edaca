import { performance } from 'node:perf_hooks';
import { type ClientProxy } from '@nestjs/microservices';
import { STREAM_NAME } from '@lbaas/event-log';
import { QUERY_PATTERNS, type RebuildResult, type StatusReply } from '@lbaas/read-models';
import { type ServiceProcess, waitFor } from '@lbaas/testing';
import type { NatsConnection } from 'nats';
import { firstValueFrom, timeout } from 'rxjs';
import { residentMiB } from './process-memory';
import { type Fleet, getLatency, type NeutronTenant, sequentialCreates } from './scale-load';

const GETS = 200;
const SEQUENTIAL_CREATES = 100;
const PAGE_READS = 20;
const PAGE = 100;

export async function ask<T>(client: ClientProxy, pattern: string, ms: number): Promise<T> {
  return firstValueFrom(client.send<T>(pattern, {}).pipe(timeout(ms)));
}

export async function streamState(nc: NatsConnection): Promise<{ messages: number; bytes: number; lastSeq: number }> {
  const { state } = await (await nc.jetstreamManager()).streams.info(STREAM_NAME);
  return { messages: state.messages, bytes: state.bytes, lastSeq: state.last_seq };
}

/** Waits until the live projection has applied `seq`; the milliseconds it took. */
export async function projectionsAt(client: ClientProxy, seq: number, boundMs: number): Promise<number> {
  const started = performance.now();
  await waitFor(
    `the projections to reach sequence ${seq}`,
    async () => (await ask<StatusReply>(client, QUERY_PATTERNS.status, 5000)).checkpoint >= seq,
    boundMs,
    100,
  );
  return performance.now() - started;
}

export async function rebuildProjections(
  client: ClientProxy,
  boundMs: number,
): Promise<{ events: number; commits: number; seconds: number }> {
  const result = await ask<RebuildResult>(client, QUERY_PATTERNS.rebuild, boundMs);
  if ('error' in result) throw new Error(`rebuild failed: ${result.error.type}: ${result.error.message}`);
  return result;
}

export interface RequestProbes {
  /** Members added one at a time, nothing else in flight. */
  readonly createMs: number[];
  /** One pool, member or VIP by id, in turn, each its owner's. */
  readonly getMs: number[];
  /** `GET /v2.0/lb/members?limit=100`, the first page of a tenant's members. */
  readonly firstPageMs: number[];
  /** The last page, as a client that walked there asks for it: its marker is the 101st id from the end. */
  readonly lastPageMs: number[];
}

/**
 * Per-request latency at the fleet's size, one request at a time. `aroundCreates` wraps the lone
 * creates (the bench reads every process's CPU over them).
 */
export async function probeRequests(
  fleet: Fleet,
  aroundCreates: (creates: () => Promise<number[]>) => Promise<number[]> = (creates) => creates(),
): Promise<RequestProbes> {
  const createMs = await aroundCreates(() => sequentialCreates(fleet, SEQUENTIAL_CREATES));
  const kinds = [fleet.pools, fleet.members, fleet.vips];
  const pathOf = ['/v2.0/lb/pools/', '/v2.0/lb/members/', '/v2.0/lb/vips/'];
  const pick = (i: number) => {
    const objects = kinds[i % 3];
    return objects[Math.floor((i * 7919) / 3) % objects.length];
  };
  const getMs = await getLatency(
    (i) => pick(i).tenant,
    (i) => `${pathOf[i % 3]}${pick(i).id}`,
    GETS,
  );
  const tenant = fleet.members[0].tenant;
  const ids = fleet.members
    .filter((m) => m.tenant === tenant)
    .map((m) => m.id)
    .sort();
  const marker = ids[Math.max(0, ids.length - PAGE - 1)];
  const firstPageMs = await getLatency(
    () => tenant,
    () => `/v2.0/lb/members?limit=${PAGE}`,
    PAGE_READS,
  );
  const lastPageMs = await getLatency(
    () => tenant,
    () => `/v2.0/lb/members?limit=${PAGE}&marker=${marker}`,
    PAGE_READS,
  );
  return { createMs, getMs, firstPageMs, lastPageMs };
}

/** Resident MiB of each named process now. */
export const residentOf = (processes: Readonly<Record<string, ServiceProcess>>): Record<string, number | null> =>
  Object.fromEntries(Object.entries(processes).map(([name, p]) => [name, residentMiB(p.pid())]));

/** VIPs ACTIVE out of all, as their tenants list them. */
export async function activeVips(tenants: readonly NeutronTenant[]): Promise<{ active: number; total: number }> {
  let active = 0;
  let total = 0;
  for (const tenant of tenants) {
    const answer = await tenant.timedGet('/v2.0/lb/vips?fields=id&fields=status');
    const vips = (JSON.parse(answer.text) as { vips: { status: string }[] }).vips;
    total += vips.length;
    active += vips.filter((v) => v.status === 'ACTIVE').length;
  }
  return { active, total };
}
