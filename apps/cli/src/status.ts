import { apiErrorCode, JetStreamApiError, natsServers, STREAM_NAME, streamLastSeq } from '@lbaas/event-log';
import { type Heartbeat, NODES_BUCKET, parseHeartbeat } from '@lbaas/coordination';
import { type ListQuery, type ListReply, QUERY_PATTERNS, type StatusReply } from '@lbaas/read-models';
import type { NatsConnection } from 'nats';
import { connectCommand } from './nats-connection';
import { projectionsClient } from './projections-client';
import { collectEventLogFacts, type EventLogFacts, formatEventLog, probeServers } from './status-event-log';

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

/** The scheduler's default (LBAAS_NODE_SILENCE_MS): a node silent for longer is declared lost. */
const DEFAULT_NODE_SILENCE_MS = 3000;

export interface StatusRow {
  readonly name: string;
  readonly state: string;
  /** Whether the row counts for the exit status: the api and the projections do. */
  readonly required: boolean;
  readonly up: boolean;
}

/** A JetStream consumer of the event log, as the server counts it. */
export interface ConsumerLag {
  readonly name: string;
  /** A durable consumer (the projections) keeps its name; an ordered one (a fold kept in memory, a tail) gets a random one. */
  readonly durable: boolean;
  readonly deliveredSeq: number;
  readonly pending: number;
  readonly ackPending: number;
}

export interface StatusReport {
  readonly services: readonly StatusRow[];
  /** Null when NATS could not be asked. */
  readonly heartbeats: readonly Heartbeat[] | null;
  readonly consumers: readonly ConsumerLag[] | null;
  /** The event log's servers, streams and stores; with NATS unreachable, only the servers, each down. */
  readonly eventLog: EventLogFacts | null;
  /** Why the NATS part is missing, or null. */
  readonly natsProblem: string | null;
  /** What the data plane serves, as the projections count it; null (or absent) when they were not asked or did not answer. */
  readonly objects?: ObjectCounts | null;
}

/** v1 VIPs beside v2 load balancers and the amphorae (placements) that serve them; null where the projections did not answer. */
export interface ObjectCounts {
  readonly vips: number | null;
  readonly loadbalancers: number | null;
  readonly amphorae: number | null;
}

const COUNTED = ['vips', 'loadbalancers', 'amphorae'] as const;

/** Every tenant's rows of one collection, ids only: an operator's count. */
async function countOf(client: ReturnType<typeof projectionsClient>, collection: (typeof COUNTED)[number]): Promise<number | null> {
  const query: ListQuery = { collection, tenantId: null, filters: {}, fields: ['id'], minSeq: 0 };
  try {
    const reply = await client.ask<ListReply>(QUERY_PATTERNS.list, query);
    return 'items' in reply ? reply.items.length : null;
  } catch {
    return null;
  }
}

/** `objects          2 VIPs, 1 load balancer, 2 amphorae`, with `?` for a count the projections did not give. */
export function formatObjects(counts: ObjectCounts): string {
  const count = (n: number | null, one: string, many: string): string => (n === null ? `? ${many}` : `${n} ${n === 1 ? one : many}`);
  return `${'objects'.padEnd(17)}${[
    count(counts.vips, 'VIP', 'VIPs'),
    count(counts.loadbalancers, 'load balancer', 'load balancers'),
    count(counts.amphorae, 'amphora', 'amphorae'),
  ].join(', ')}`;
}

async function probe(url: string): Promise<{ up: boolean; state: string; body: unknown }> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    if (!res.ok) {
      await res.body?.cancel();
      return { up: false, state: `answers ${res.status}`, body: null };
    }
    return { up: true, state: 'up', body: await res.json().catch(() => null) };
  } catch {
    return { up: false, state: 'down', body: null };
  }
}

/** `at sequence 10 of 12 (lag 2)`, or only the position when the stream's end is unknown. */
export function positionText(position: number, streamLastSeq: number | null): string {
  return streamLastSeq === null
    ? `at sequence ${position}`
    : `at sequence ${position} of ${streamLastSeq} (lag ${Math.max(0, streamLastSeq - position)})`;
}

/** The event log position a service's /healthz reports (the scheduler, config renderer, audit and dashboard do). */
export function reportedPosition(health: unknown): number | null {
  if (typeof health !== 'object' || health === null || !('position' in health)) return null;
  return Number.isInteger(health.position) ? Number(health.position) : null;
}

/** The latest heartbeat of every node in the KV bucket, stamped with the server's time of the put, as the scheduler judges it. */
async function heartbeatsOf(nc: NatsConnection): Promise<Heartbeat[]> {
  const jsm = await nc.jetstreamManager({ checkAPI: false });
  const prefix = `$KV.${NODES_BUCKET}.`;
  let subjects: Record<string, number>;
  try {
    // The bucket's subjects, one per node: KV keys() can miss keys while others are being put.
    subjects = (await jsm.streams.info(`KV_${NODES_BUCKET}`, { subjects_filter: `${prefix}>` })).state.subjects ?? {};
  } catch (error) {
    if (apiErrorCode(error) === JetStreamApiError.StreamNotFound) return []; // no node has heartbeaten into this NATS
    throw error;
  }
  const kv = await nc.jetstream().views.kv(NODES_BUCKET, { bindOnly: true });
  const beats: Heartbeat[] = [];
  for (const subject of Object.keys(subjects)) {
    const entry = await kv.get(subject.slice(prefix.length));
    const beat = entry && entry.operation === 'PUT' ? parseHeartbeat(entry.value) : null;
    // A node's clock may be off; the server's time of the put is what the scheduler goes by.
    if (entry && beat) beats.push({ ...beat, at: entry.created.toISOString() });
  }
  return beats;
}

async function consumersOf(nc: NatsConnection): Promise<ConsumerLag[]> {
  const jsm = await nc.jetstreamManager({ checkAPI: false });
  const found: ConsumerLag[] = [];
  for await (const info of jsm.consumers.list(STREAM_NAME)) {
    found.push({
      name: info.name,
      durable: info.config.durable_name !== undefined,
      deliveredSeq: info.delivered.stream_seq,
      pending: info.num_pending,
      ackPending: info.num_ack_pending,
    });
  }
  return found;
}

interface LogFacts {
  readonly lastSeq: number | null;
  readonly heartbeats: Heartbeat[] | null;
  readonly consumers: ConsumerLag[] | null;
  readonly eventLog: EventLogFacts | null;
  readonly problem: string | null;
}

/**
 * What NATS itself says: the stream's end, the nodes' heartbeats, the consumers, the servers and
 * stores; a problem in place of what it could not say.
 */
async function logFacts(natsUrl: string): Promise<LogFacts> {
  let nc: NatsConnection | null = null;
  let eventLog: EventLogFacts | null = null;
  try {
    nc = await connectCommand('lbaas-cli-status', natsUrl);
    eventLog = await collectEventLogFacts(nc, natsUrl);
    return {
      lastSeq: await streamLastSeq(nc),
      heartbeats: await heartbeatsOf(nc),
      consumers: await consumersOf(nc),
      eventLog,
      problem: null,
    };
  } catch (error) {
    const problem = error instanceof Error ? error.message : String(error);
    // When no server could be reached, each says why.
    eventLog ??= { servers: await probeServers(natsServers(natsUrl)), account: null, stores: [], problem };
    return { lastSeq: null, heartbeats: null, consumers: null, eventLog, problem };
  } finally {
    await nc?.close();
  }
}

export async function collectStatus(apiUrl: string, natsUrl: string): Promise<StatusReport> {
  const facts = await logFacts(natsUrl);
  const api = await probe(`${apiUrl}/healthz`);
  const services: StatusRow[] = [{ name: 'api', state: api.state, required: true, up: api.up }];
  const client = projectionsClient(natsUrl, 3000);
  let objects: ObjectCounts | null = null;
  try {
    const s = await client.ask<StatusReply>(QUERY_PATTERNS.status, {});
    services.push({ name: 'projections', state: `up, ${positionText(s.checkpoint, s.streamLastSeq)}`, required: true, up: true });
    const [vips, loadbalancers, amphorae] = await Promise.all(COUNTED.map((c) => countOf(client, c)));
    objects = { vips, loadbalancers, amphorae };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    services.push({ name: 'projections', state: `no answer over NATS (${reason})`, required: true, up: false });
  } finally {
    await client.close();
  }
  for (const [name, port] of OTHER_SERVICES) {
    const p = await probe(`http://127.0.0.1:${port}/healthz`);
    const position = reportedPosition(p.body);
    services.push({
      name,
      state: position === null ? p.state : `${p.state}, ${positionText(position, facts.lastSeq)}`,
      required: false,
      up: p.up,
    });
  }
  return {
    services,
    heartbeats: facts.heartbeats,
    consumers: facts.consumers,
    eventLog: facts.eventLog,
    natsProblem: facts.problem,
    objects,
  };
}

const seconds = (ms: number): string => `${(Math.max(0, ms) / 1000).toFixed(1)} s`;

/** A line per node: alive while its last heartbeat is younger than the silence after which the scheduler declares it lost. */
export function formatNodes(heartbeats: readonly Heartbeat[], now: number, silenceMs: number): string[] {
  return [...heartbeats]
    .sort((a, b) => a.nodeId.localeCompare(b.nodeId))
    .map((beat) => {
      const age = now - Date.parse(beat.at);
      const driver = typeof beat.info.driver === 'string' ? ` (driver ${beat.info.driver})` : '';
      const state =
        age <= silenceMs
          ? `alive, last heartbeat ${seconds(age)} ago${driver}`
          : `silent for ${seconds(age)}, lost after ${seconds(silenceMs)}${driver}`;
      return `${beat.nodeId.padEnd(17)}${state}`;
    });
}

/** Durable consumers by name; the ordered ones (random names) in one line, with the one furthest behind. */
export function formatConsumers(consumers: readonly ConsumerLag[]): string[] {
  const lag = (c: ConsumerLag) => c.pending + c.ackPending;
  const durable = [...consumers]
    .filter((c) => c.durable)
    .sort((a, b) => a.name.localeCompare(b.name))
    .map(
      (c) =>
        `${c.name.padEnd(17)}durable, delivered up to ${c.deliveredSeq} (lag ${lag(c)}: ${c.pending} pending, ${c.ackPending} unacknowledged)`,
    );
  const ordered = consumers.filter((c) => !c.durable);
  if (ordered.length === 0) return durable;
  return [
    ...durable,
    `${'ordered'.padEnd(17)}${ordered.length} ordered consumer(s), the furthest behind has ${Math.max(...ordered.map(lag))} pending`,
  ];
}

export const formatStatus = (rows: readonly StatusRow[]): string => rows.map((r) => `${r.name.padEnd(17)}${r.state}`).join('\n');

/** The whole report: services, what they serve, compute nodes, the consumers' lag, then the event log's servers and stores. */
export function formatReport(report: StatusReport, now: number, silenceMs: number): string {
  const sections = [formatStatus(report.services)];
  if (report.objects) sections.push(formatObjects(report.objects));
  if (report.natsProblem !== null) sections.push(`compute nodes and consumers unknown: ${report.natsProblem}`);
  if (report.heartbeats !== null) {
    const nodes = formatNodes(report.heartbeats, now, silenceMs);
    sections.push(
      [`compute nodes (heartbeats in KV ${NODES_BUCKET}):`, ...(nodes.length > 0 ? nodes : ['none has heartbeaten'])].join('\n'),
    );
  }
  if (report.consumers !== null) {
    const consumers = formatConsumers(report.consumers);
    sections.push([`consumers of ${STREAM_NAME}:`, ...(consumers.length > 0 ? consumers : ['none'])].join('\n'));
  }
  if (report.eventLog !== null) sections.push(...formatEventLog(report.eventLog));
  return sections.join('\n\n');
}

/** LBAAS_NODE_SILENCE_MS as the scheduler reads it, so `status` calls a node lost when the scheduler does. */
export function nodeSilenceMs(env: NodeJS.ProcessEnv): number {
  const value = Number(env.LBAAS_NODE_SILENCE_MS?.trim() || DEFAULT_NODE_SILENCE_MS);
  return Number.isInteger(value) && value > 0 ? value : DEFAULT_NODE_SILENCE_MS;
}

export const statusExitCode = (rows: readonly StatusRow[]): number => (rows.every((r) => r.up || !r.required) ? 0 : 1);
