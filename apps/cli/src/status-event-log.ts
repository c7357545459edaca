import { natsCredentialsFromEnv, natsServers, STREAM_NAME } from '@lbaas/event-log';
import { connect, type NatsConnection, type StreamInfo } from 'nats';

/**
 * What `lbaas status` says of the event log's own servers, its stream, KV buckets and object
 * stores. The project starts nats-server without a monitoring port, so everything comes from
 * NATS itself: each server's INFO on a connection of its own, JetStream's account info, and the
 * streams' info (state, replicas, and in a cluster the RAFT leader and followers).
 */

export interface NatsServerFacts {
  readonly url: string;
  /** The server's name, version and cluster from its INFO; null when it could not be reached. */
  readonly name: string | null;
  readonly version: string | null;
  readonly cluster: string | null;
  readonly jetstream: boolean;
  /** Why it could not be reached, or null. */
  readonly problem: string | null;
}

export interface FollowerFacts {
  readonly name: string;
  readonly current: boolean;
  readonly offline: boolean;
  /** Operations behind the leader. */
  readonly lag: number;
  /** Since the leader last heard from it. */
  readonly seenAgoMs: number;
}

/**
 * The leader hears from a live follower every second or so; `current` keeps its last value after a
 * follower dies, so silence this long says more. Below JetStream's 10 s before a group counts a peer lost.
 */
const SILENT_FOLLOWER_MS = 5000;

export type StoreKind = 'stream' | 'kv' | 'object store';

/** A JetStream stream: the event log, or the stream behind a KV bucket or an object store. */
export interface StoreFacts {
  readonly kind: StoreKind;
  /** The stream's name, or the bucket's (without `KV_` / `OBJ_`). */
  readonly name: string;
  readonly messages: number;
  /** Objects in an object store (one metadata entry each); null for other kinds. */
  readonly objects: number | null;
  readonly bytes: number;
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly replicas: number;
  /** The RAFT leader in a cluster; null on a single server, which holds everything. */
  readonly leader: string | null;
  readonly followers: readonly FollowerFacts[];
}

export interface JetStreamAccountFacts {
  readonly streams: number;
  readonly consumers: number;
  readonly storageBytes: number;
  readonly memoryBytes: number;
}

export interface EventLogFacts {
  readonly servers: readonly NatsServerFacts[];
  readonly account: JetStreamAccountFacts | null;
  readonly stores: readonly StoreFacts[];
  /** Why JetStream could not say what it holds (no quorum, a leader being elected), or null. */
  readonly problem: string | null;
}

const hostPort = (url: string): string =>
  url
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/\/.*$/, '')
    .toLowerCase();
const natsUrl = (url: string): string => (/^[a-z]+:\/\//i.test(url) ? url : `nats://${url}`);

/** The servers the URL lists, then those the cluster announces (INFO's `connect_urls`), each once. */
export function serverUrls(configured: string, announced: readonly string[]): string[] {
  const byAddress = new Map<string, string>();
  for (const url of [...natsServers(configured), ...announced.map(natsUrl)]) {
    if (!byAddress.has(hostPort(url))) byAddress.set(hostPort(url), url);
  }
  return [...byAddress.values()];
}

/** One server's INFO on a connection of its own that tries that server only, once. */
async function probeServer(url: string): Promise<NatsServerFacts> {
  let nc: NatsConnection | null = null;
  try {
    nc = await connect({
      servers: url,
      name: 'lbaas-cli-status-probe',
      ...natsCredentialsFromEnv(),
      timeout: 2000,
      reconnect: false,
      ignoreClusterUpdates: true,
    });
    const info = nc.info;
    return {
      url,
      name: info?.server_name ?? null,
      version: info?.version ?? null,
      cluster: info?.cluster ?? null,
      jetstream: info?.jetstream === true,
      problem: null,
    };
  } catch (error) {
    return {
      url,
      name: null,
      version: null,
      cluster: null,
      jetstream: false,
      problem: error instanceof Error ? error.message : String(error),
    };
  } finally {
    await nc?.close().catch(() => undefined);
  }
}

/** Each server asked on its own, so one that is down says so while the others answer. */
export const probeServers = (urls: readonly string[]): Promise<NatsServerFacts[]> => Promise.all(urls.map(probeServer));

function storeKind(stream: string): { kind: StoreKind; name: string } {
  if (stream.startsWith('KV_')) return { kind: 'kv', name: stream.slice('KV_'.length) };
  if (stream.startsWith('OBJ_')) return { kind: 'object store', name: stream.slice('OBJ_'.length) };
  return { kind: 'stream', name: stream };
}

/** The facts of one stream's info; `objects` is counted by the caller for object stores. */
export function storeFacts(info: StreamInfo, objects: number | null): StoreFacts {
  const { kind, name } = storeKind(info.config.name);
  return {
    kind,
    name,
    objects,
    messages: info.state.messages,
    bytes: info.state.bytes,
    firstSeq: info.state.first_seq,
    lastSeq: info.state.last_seq,
    replicas: info.config.num_replicas,
    leader: info.cluster?.leader ?? null,
    followers: (info.cluster?.replicas ?? []).map((p) => ({
      name: p.name,
      current: p.current,
      offline: p.offline === true,
      lag: p.lag ?? 0,
      seenAgoMs: Math.round(p.active / 1e6),
    })),
  };
}

/**
 * Servers, account and streams, asked over `nc` (connected to one of `configuredUrl`'s servers).
 * Each server answers for itself, so a cluster that lost a node still lists the others when
 * JetStream cannot answer.
 */
export async function collectEventLogFacts(nc: NatsConnection, configuredUrl: string): Promise<EventLogFacts> {
  const servers = await probeServers(serverUrls(configuredUrl, nc.info?.connect_urls ?? []));
  try {
    return { servers, ...(await jetStreamFacts(nc)), problem: null };
  } catch (error) {
    return { servers, account: null, stores: [], problem: error instanceof Error ? error.message : String(error) };
  }
}

async function jetStreamFacts(nc: NatsConnection): Promise<Pick<EventLogFacts, 'account' | 'stores'>> {
  const jsm = await nc.jetstreamManager({ checkAPI: false });
  const stores: StoreFacts[] = [];
  for await (const info of jsm.streams.list()) {
    let objects: number | null = null;
    if (info.config.name.startsWith('OBJ_')) {
      const bucket = info.config.name.slice('OBJ_'.length);
      // One metadata subject per object; the chunks are under another prefix.
      const withSubjects = await jsm.streams.info(info.config.name, { subjects_filter: `$O.${bucket}.M.>` });
      objects = Object.keys(withSubjects.state.subjects ?? {}).length;
    }
    stores.push(storeFacts(info, objects));
  }
  const account = await jsm.getAccountInfo();
  return {
    account: { streams: account.streams, consumers: account.consumers, storageBytes: account.storage, memoryBytes: account.memory },
    stores: stores.sort((a, b) => storeOrder(a) - storeOrder(b) || a.name.localeCompare(b.name)),
  };
}

const storeOrder = (s: StoreFacts): number => (s.kind === 'stream' ? (s.name === STREAM_NAME ? 0 : 1) : s.kind === 'kv' ? 2 : 3);

/** 512 B, 12.3 KiB, 4.5 MiB: enough to see a store grow. */
export function byteSize(bytes: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  if (bytes < 1024) return `${bytes} B`;
  let value = bytes;
  let unit = -1;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

const followerState = (f: FollowerFacts): string =>
  f.offline
    ? 'offline'
    : f.seenAgoMs >= SILENT_FOLLOWER_MS
      ? `not heard from for ${Math.floor(f.seenAgoMs / 1000)} s`
      : f.current
        ? 'current'
        : `${f.lag} behind`;

/** A server's part in the event log: the stream's leader, a follower and how far behind, or none. */
export function serverRole(server: NatsServerFacts, log: StoreFacts | undefined): string {
  if (server.name === null) return '';
  if (!server.jetstream) return ', JetStream off';
  if (log === undefined) return `, no ${STREAM_NAME} yet`;
  if (log.leader === null) return `, holds ${STREAM_NAME}`;
  if (log.leader === server.name) return `, leader of ${STREAM_NAME}`;
  const follower = log.followers.find((f) => f.name === server.name);
  if (follower === undefined) return `, no replica of ${STREAM_NAME}`;
  return `, follower of ${STREAM_NAME} (${followerState(follower)})`;
}

/** A line per server: name, address, up with version and cluster and its role, or down and why. */
export function formatServers(servers: readonly NatsServerFacts[], log: StoreFacts | undefined): string[] {
  const ordered = [...servers].sort((a, b) => (a.name ?? '\uffff').localeCompare(b.name ?? '\uffff') || a.url.localeCompare(b.url));
  return ordered.map((s) =>
    s.name === null
      ? `${'?'.padEnd(17)}${s.url}: down (${s.problem ?? 'no answer'})`
      : `${s.name.padEnd(17)}${s.url}: up, version ${s.version ?? '?'}${s.cluster === null ? ', no cluster' : `, cluster ${s.cluster}`}${serverRole(s, log)}`,
  );
}

/** A line per stream, KV bucket and object store: size, replicas, and in a cluster its leader and followers. */
export function formatStores(stores: readonly StoreFacts[]): string[] {
  return stores.map((s) => {
    const content =
      s.kind === 'kv'
        ? `KV, ${plural(s.messages, 'value')}`
        : s.kind === 'object store'
          ? `object store, ${plural(s.objects ?? 0, 'object')}`
          : `stream, ${plural(s.messages, 'message')}${s.messages > 0 ? ` (sequences ${s.firstSeq} to ${s.lastSeq})` : ''}`;
    const raft =
      s.leader === null
        ? ''
        : `, leader ${s.leader}${s.followers.length > 0 ? ` (${s.followers.map((f) => `${f.name} ${followerState(f)}`).join(', ')})` : ''}`;
    return `${s.name.padEnd(17)}${content}, ${byteSize(s.bytes)}, ${plural(s.replicas, 'replica')}${raft}`;
  });
}

/** The two sections of the event log: its servers with JetStream's totals, then its streams and stores. */
export function formatEventLog(facts: EventLogFacts): string[] {
  const log = facts.stores.find((s) => s.kind === 'stream' && s.name === STREAM_NAME);
  const account =
    facts.account === null
      ? ''
      : ` (JetStream: ${plural(facts.account.streams, 'stream')}, ${plural(facts.account.consumers, 'consumer')}, ` +
        `${byteSize(facts.account.storageBytes)} on disk, ${byteSize(facts.account.memoryBytes)} in memory)`;
  const servers = formatServers(facts.servers, log);
  const stores = formatStores(facts.stores);
  return [
    [`NATS servers${account}:`, ...(servers.length > 0 ? servers : ['none'])].join('\n'),
    facts.problem === null
      ? ['streams, KV buckets and object stores:', ...(stores.length > 0 ? stores : ['none'])].join('\n')
      : `streams, KV buckets and object stores unknown: ${facts.problem}`,
  ];
}
