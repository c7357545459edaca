import type { Heartbeat } from '@lbaas/coordination';
import {
  type ConsumerLag,
  formatConsumers,
  formatNodes,
  formatObjects,
  formatReport,
  formatStatus,
  nodeSilenceMs,
  positionText,
  reportedPosition,
  type StatusRow,
  statusExitCode,
} from './status';

const row = (name: string, up: boolean, required: boolean): StatusRow => ({ name, up, required, state: up ? 'up' : 'down' });

describe('lbaas status', () => {
  it('prints one aligned line per service', () => {
    expect(formatStatus([row('api', true, true), row('compute-node-1', false, false)])).toBe('api              up\ncompute-node-1   down');
  });

  it.each([
    { desc: 'everything up', rows: [row('api', true, true), row('projections', true, true), row('scheduler', true, false)], code: 0 },
    {
      desc: 'another service down',
      rows: [row('api', true, true), row('projections', true, true), row('scheduler', false, false)],
      code: 0,
    },
    { desc: 'the api down', rows: [row('api', false, true), row('projections', true, true)], code: 1 },
    { desc: 'the projections down', rows: [row('api', true, true), row('projections', false, true)], code: 1 },
  ])('exit code with $desc', ({ rows, code }) => {
    expect(statusExitCode(rows)).toBe(code);
  });
});

describe('lbaas status: consumers and compute nodes', () => {
  it.each([
    { desc: 'behind', position: 10, last: 12, text: 'at sequence 10 of 12 (lag 2)' },
    { desc: 'caught up', position: 12, last: 12, text: 'at sequence 12 of 12 (lag 0)' },
    { desc: "with the stream's end unknown", position: 10, last: null, text: 'at sequence 10' },
  ])("shows a consumer's position $desc", ({ position, last, text }) => expect(positionText(position, last)).toBe(text));

  it.each([
    { desc: 'a position', health: { status: 'ok', service: 'audit', position: 41, records: 40 }, position: 41 },
    { desc: 'no position', health: { status: 'ok', service: 'node-agent', node: 'compute-node-1' }, position: null },
    { desc: 'a position that is not a sequence', health: { position: 'far' }, position: null },
    { desc: 'no JSON object', health: null, position: null },
  ])('reads the log position of a /healthz body with $desc', ({ health, position }) => expect(reportedPosition(health)).toBe(position));

  const now = Date.parse('2026-01-15T09:30:10.000Z');
  const beat = (nodeId: string, at: string, info: Heartbeat['info'] = {}): Heartbeat => ({ nodeId, at, info });

  it('lists the nodes by name: alive within the silence, silent beyond it', () => {
    expect(
      formatNodes(
        [
          beat('compute-node-2', '2026-01-15T09:30:00.000Z'),
          beat('compute-node-1', '2026-01-15T09:30:09.600Z', { driver: 'process', pid: 4242 }),
        ],
        now,
        3000,
      ),
    ).toEqual([
      'compute-node-1   alive, last heartbeat 0.4 s ago (driver process)',
      'compute-node-2   silent for 10.0 s, lost after 3.0 s',
    ]);
  });

  it('calls a node alive at exactly the silence, as the scheduler does', () => {
    expect(formatNodes([beat('n1', '2026-01-15T09:30:07.000Z')], now, 3000)).toEqual(['n1               alive, last heartbeat 3.0 s ago']);
  });

  const consumer = (name: string, durable: boolean, pending: number, ackPending = 0): ConsumerLag => ({
    name,
    durable,
    deliveredSeq: 100 - pending,
    pending,
    ackPending,
  });

  it('names durable consumers with their lag, and sums up the ordered ones', () => {
    expect(formatConsumers([consumer('xk3fa', false, 0), consumer('projections', true, 2, 1), consumer('b81qz', false, 5)])).toEqual([
      'projections      durable, delivered up to 98 (lag 3: 2 pending, 1 unacknowledged)',
      'ordered          2 ordered consumer(s), the furthest behind has 5 pending',
    ]);
  });

  it('prints services, nodes and consumers as sections, and says why the NATS part is missing', () => {
    const services = [row('api', true, true)];
    expect(formatReport({ services, heartbeats: [], consumers: [], eventLog: null, natsProblem: null }, now, 3000)).toBe(
      'api              up\n\ncompute nodes (heartbeats in KV lbaas_nodes):\nnone has heartbeaten\n\nconsumers of LBAAS_EVENTS:\nnone',
    );
    expect(formatReport({ services, heartbeats: null, consumers: null, eventLog: null, natsProblem: 'cannot reach NATS' }, now, 3000)).toBe(
      'api              up\n\ncompute nodes and consumers unknown: cannot reach NATS',
    );
  });

  it("adds the event log's servers and stores after the consumers, and the servers each down when NATS cannot be reached", () => {
    const services = [row('api', true, true)];
    const up = { url: 'nats://127.0.0.1:4222', name: 'lb-nats', version: '2.9.10', cluster: null, jetstream: true, problem: null };
    const events = {
      kind: 'stream' as const,
      name: 'LBAAS_EVENTS',
      messages: 3,
      objects: null,
      bytes: 300,
      firstSeq: 1,
      lastSeq: 3,
      replicas: 1,
      leader: null,
      followers: [],
    };
    expect(
      formatReport(
        {
          services,
          heartbeats: [],
          consumers: [],
          natsProblem: null,
          eventLog: {
            servers: [up],
            account: { streams: 1, consumers: 0, storageBytes: 300, memoryBytes: 0 },
            stores: [events],
            problem: null,
          },
        },
        now,
        3000,
      ),
    ).toBe(
      [
        'api              up',
        '',
        'compute nodes (heartbeats in KV lbaas_nodes):',
        'none has heartbeaten',
        '',
        'consumers of LBAAS_EVENTS:',
        'none',
        '',
        'NATS servers (JetStream: 1 stream, 0 consumers, 300 B on disk, 0 B in memory):',
        'lb-nats          nats://127.0.0.1:4222: up, version 2.9.10, no cluster, holds LBAAS_EVENTS',
        '',
        'streams, KV buckets and object stores:',
        'LBAAS_EVENTS     stream, 3 messages (sequences 1 to 3), 300 B, 1 replica',
      ].join('\n'),
    );
    const down = {
      url: 'nats://127.0.0.1:4222',
      name: null,
      version: null,
      cluster: null,
      jetstream: false,
      problem: 'CONNECTION_REFUSED',
    };
    expect(
      formatReport(
        {
          services,
          heartbeats: null,
          consumers: null,
          natsProblem: 'cannot reach NATS',
          eventLog: { servers: [down], account: null, stores: [], problem: 'cannot reach NATS' },
        },
        now,
        3000,
      ),
    ).toBe(
      [
        'api              up',
        '',
        'compute nodes and consumers unknown: cannot reach NATS',
        '',
        'NATS servers:',
        '?                nats://127.0.0.1:4222: down (CONNECTION_REFUSED)',
        '',
        'streams, KV buckets and object stores unknown: cannot reach NATS',
      ].join('\n'),
    );
  });

  it.each([
    { desc: 'unset', env: {}, ms: 3000 },
    { desc: 'set', env: { LBAAS_NODE_SILENCE_MS: '800' }, ms: 800 },
    { desc: 'not a number', env: { LBAAS_NODE_SILENCE_MS: 'soon' }, ms: 3000 },
  ])('takes the silence from LBAAS_NODE_SILENCE_MS when $desc', ({ env, ms }) => expect(nodeSilenceMs(env)).toBe(ms));

  it('counts VIPs, load balancers and amphorae, saying ? for a count the projections did not give', () => {
    expect(formatObjects({ vips: 2, loadbalancers: 1, amphorae: 2 })).toBe('objects          2 VIPs, 1 load balancer, 2 amphorae');
    expect(formatObjects({ vips: 1, loadbalancers: null, amphorae: 1 })).toBe('objects          1 VIP, ? load balancers, 1 amphora');
    const services = [{ name: 'api', state: 'up', required: true, up: true }];
    expect(
      formatReport(
        {
          services,
          heartbeats: null,
          consumers: null,
          eventLog: null,
          natsProblem: null,
          objects: { vips: 0, loadbalancers: 0, amphorae: 0 },
        },
        0,
        3000,
      ),
    ).toBe('api              up\n\nobjects          0 VIPs, 0 load balancers, 0 amphorae');
  });
});
