import {
  byteSize,
  formatEventLog,
  formatServers,
  formatStores,
  type NatsServerFacts,
  serverRole,
  serverUrls,
  type StoreFacts,
} from './status-event-log';

const server = (name: string, port: number): NatsServerFacts => ({
  url: `nats://127.0.0.1:${port}`,
  name,
  version: '2.9.10',
  cluster: 'lb-nats',
  jetstream: true,
  problem: null,
});
const store = (over: Partial<StoreFacts>): StoreFacts => ({
  kind: 'stream',
  name: 'LBAAS_EVENTS',
  messages: 0,
  objects: null,
  bytes: 0,
  firstSeq: 0,
  lastSeq: 0,
  replicas: 1,
  leader: null,
  followers: [],
  ...over,
});
const clustered = store({
  messages: 1200,
  bytes: 3 * 1024 * 1024,
  firstSeq: 1,
  lastSeq: 1200,
  replicas: 3,
  leader: 'lb-nats-1',
  followers: [
    { name: 'lb-nats-2', current: true, offline: false, lag: 0, seenAgoMs: 300 },
    { name: 'lb-nats-3', current: false, offline: false, lag: 12, seenAgoMs: 900 },
  ],
});

describe("lbaas status: the event log's servers", () => {
  it('asks the servers of the URL, then those the cluster announces, each address once', () => {
    expect(serverUrls('nats://127.0.0.1:4222, nats://127.0.0.1:4223', ['127.0.0.1:4222', '127.0.0.1:4224'])).toEqual([
      'nats://127.0.0.1:4222',
      'nats://127.0.0.1:4223',
      'nats://127.0.0.1:4224',
    ]);
  });

  it.each([
    { desc: "the stream's leader", name: 'lb-nats-1', log: clustered, role: ', leader of LBAAS_EVENTS' },
    { desc: 'a current follower', name: 'lb-nats-2', log: clustered, role: ', follower of LBAAS_EVENTS (current)' },
    { desc: 'a follower behind', name: 'lb-nats-3', log: clustered, role: ', follower of LBAAS_EVENTS (12 behind)' },
    { desc: 'a server without a replica', name: 'lb-nats-4', log: clustered, role: ', no replica of LBAAS_EVENTS' },
    { desc: 'a single server', name: 'lb-nats', log: store({}), role: ', holds LBAAS_EVENTS' },
    { desc: 'a server before any service made the stream', name: 'lb-nats', log: undefined, role: ', no LBAAS_EVENTS yet' },
  ])('names the part of $desc', ({ name, log, role }) => expect(serverRole(server(name, 4222), log)).toBe(role));

  it('says so of an offline follower, one the leader has not heard from for a while, and a server without JetStream', () => {
    const offline = store({ ...clustered, followers: [{ name: 'lb-nats-2', current: false, offline: true, lag: 0, seenAgoMs: 0 }] });
    expect(serverRole(server('lb-nats-2', 4223), offline)).toBe(', follower of LBAAS_EVENTS (offline)');
    // A dead follower stays `current` as it last was.
    const silent = store({ ...clustered, followers: [{ name: 'lb-nats-2', current: true, offline: false, lag: 0, seenAgoMs: 7400 }] });
    expect(serverRole(server('lb-nats-2', 4223), silent)).toBe(', follower of LBAAS_EVENTS (not heard from for 7 s)');
    expect(serverRole({ ...server('plain', 4222), jetstream: false }, clustered)).toBe(', JetStream off');
  });

  it('lists servers by name, those that could not be reached last with the reason', () => {
    const down: NatsServerFacts = {
      url: 'nats://127.0.0.1:4224',
      name: null,
      version: null,
      cluster: null,
      jetstream: false,
      problem: 'CONNECTION_REFUSED',
    };
    expect(formatServers([down, server('lb-nats-2', 4223), server('lb-nats-1', 4222)], clustered)).toEqual([
      'lb-nats-1        nats://127.0.0.1:4222: up, version 2.9.10, cluster lb-nats, leader of LBAAS_EVENTS',
      'lb-nats-2        nats://127.0.0.1:4223: up, version 2.9.10, cluster lb-nats, follower of LBAAS_EVENTS (current)',
      '?                nats://127.0.0.1:4224: down (CONNECTION_REFUSED)',
    ]);
  });
});

describe('lbaas status: streams, KV buckets and object stores', () => {
  it('shows each with its size, replicas and, in a cluster, leader and followers', () => {
    expect(
      formatStores([
        clustered,
        store({ kind: 'kv', name: 'lbaas_nodes', messages: 3, bytes: 420, replicas: 3, leader: 'lb-nats-2', followers: [] }),
        store({ kind: 'object store', name: 'lbaas_configs', messages: 8, objects: 1, bytes: 5000 }),
        store({ name: 'EMPTY' }),
      ]),
    ).toEqual([
      'LBAAS_EVENTS     stream, 1200 messages (sequences 1 to 1200), 3.0 MiB, 3 replicas, leader lb-nats-1 (lb-nats-2 current, lb-nats-3 12 behind)',
      'lbaas_nodes      KV, 3 values, 420 B, 3 replicas, leader lb-nats-2',
      'lbaas_configs    object store, 1 object, 4.9 KiB, 1 replica',
      'EMPTY            stream, 0 messages, 0 B, 1 replica',
    ]);
  });

  it.each([
    { bytes: 0, text: '0 B' },
    { bytes: 1023, text: '1023 B' },
    { bytes: 1024, text: '1.0 KiB' },
    { bytes: 5 * 1024 ** 3, text: '5.0 GiB' },
  ])('writes $bytes bytes as $text', ({ bytes, text }) => expect(byteSize(bytes)).toBe(text));

  it('says none when there is nothing to list', () => {
    expect(formatEventLog({ servers: [], account: null, stores: [], problem: null })).toEqual([
      'NATS servers:\nnone',
      'streams, KV buckets and object stores:\nnone',
    ]);
  });

  it('says why JetStream could not list what it holds', () => {
    expect(formatEventLog({ servers: [], account: null, stores: [], problem: 'TIMEOUT' })[1]).toBe(
      'streams, KV buckets and object stores unknown: TIMEOUT',
    );
  });
});
