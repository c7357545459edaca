import { connectNats, ensureEventStream, eventSubject } from '@lbaas/event-log';
import { type NatsClusterHandle, type NatsServerHandle, startNatsCluster, startNatsServer } from '@lbaas/testing';
import type { NatsConnection } from 'nats';
import { collectEventLogFacts, formatEventLog, probeServers } from './status-event-log';

/** What the services make: the event stream with a commit, the heartbeat bucket with a node, the config store with a file. */
async function fillLikeTheServices(nc: NatsConnection, replicas: number): Promise<void> {
  await ensureEventStream(nc, replicas);
  await nc.jetstream().publish(eventSubject('node', 'compute-node-1'), new TextEncoder().encode('{}'));
  const kv = await nc.jetstream().views.kv('lbaas_nodes', { replicas });
  await kv.put('compute-node-1', '{}');
  const os = await nc.jetstream().views.os('lbaas_configs', { replicas });
  await os.putBlob({ name: 'a'.repeat(64) }, new TextEncoder().encode('global\n'));
}

describe('lbaas status: the event log on a real nats-server', () => {
  let nats: NatsServerHandle;
  let nc: NatsConnection;

  beforeAll(async () => {
    nats = await startNatsServer();
    nc = await connectNats('lbt-status', nats.url);
    await fillLikeTheServices(nc, 1);
  });
  afterAll(async () => {
    await nc?.close();
    await nats?.stop();
  });

  it('shows the server, its version and that it holds the stream, and the stream, bucket and object store', async () => {
    const facts = await collectEventLogFacts(nc, nats.url);
    expect(facts.servers).toEqual([expect.objectContaining({ url: nats.url, jetstream: true, cluster: null, problem: null })]);
    expect(facts.servers[0].version).toMatch(/^\d+\.\d+\.\d+/);
    expect(facts.account).toMatchObject({ streams: 3 });
    expect(facts.stores).toEqual([
      expect.objectContaining({ kind: 'stream', name: 'LBAAS_EVENTS', messages: 1, lastSeq: 1, replicas: 1, leader: null }),
      expect.objectContaining({ kind: 'kv', name: 'lbaas_nodes', messages: 1, replicas: 1 }),
      expect.objectContaining({ kind: 'object store', name: 'lbaas_configs', objects: 1, replicas: 1 }),
    ]);
    const [servers, stores] = formatEventLog(facts);
    expect(servers).toContain(`${nats.url}: up, version ${facts.servers[0].version}, no cluster, holds LBAAS_EVENTS`);
    expect(stores).toMatch(/lbaas_configs {4}object store, 1 object, \d+ B, 1 replica/);
  });

  it('says why a server cannot be reached', async () => {
    const [down] = await probeServers(['nats://127.0.0.1:1']);
    expect(down).toMatchObject({ url: 'nats://127.0.0.1:1', name: null });
    expect(down.problem).toBeTruthy();
  });
});

describe('lbaas status: the event log on a three-node cluster', () => {
  let cluster: NatsClusterHandle;
  let nc: NatsConnection;

  beforeAll(async () => {
    cluster = await startNatsCluster(3);
    nc = await connectNats('lbt-status', cluster.url);
    await fillLikeTheServices(nc, 3);
  });
  afterAll(async () => {
    await nc?.close();
    await cluster?.stop();
  });

  it('names every server with its part: one leader of the stream and two followers; every store has three replicas', async () => {
    // Only the first server's URL: the others are found through the cluster's announcements.
    const first = cluster.nodes[0].url;
    const facts = await collectEventLogFacts(nc, first);
    expect(facts.servers.map((s) => s.name).sort()).toEqual(['lbt-nats-1', 'lbt-nats-2', 'lbt-nats-3']);
    const log = facts.stores.find((s) => s.name === 'LBAAS_EVENTS');
    expect(log).toMatchObject({ replicas: 3, leader: expect.stringMatching(/^lbt-nats-\d$/) });
    expect(log?.followers.map((f) => f.name).sort()).toEqual(['lbt-nats-1', 'lbt-nats-2', 'lbt-nats-3'].filter((n) => n !== log?.leader));
    expect(facts.stores.map((s) => [s.name, s.replicas])).toEqual([
      ['LBAAS_EVENTS', 3],
      ['lbaas_nodes', 3],
      ['lbaas_configs', 3],
    ]);
    const [servers] = formatEventLog(facts);
    expect(servers.match(/leader of LBAAS_EVENTS/g)).toHaveLength(1);
    expect(servers.match(/follower of LBAAS_EVENTS/g)).toHaveLength(2);
  });

  // JetStream may not answer while the node's groups elect new leaders; the servers answer for themselves.
  it('shows a killed node as down while the others answer', async () => {
    const victim = cluster.nodes[2];
    await victim.kill();
    try {
      const facts = await collectEventLogFacts(nc, cluster.url);
      expect(facts.servers.find((s) => s.url === victim.url)).toMatchObject({ name: null, problem: expect.any(String) });
      expect(
        facts.servers
          .filter((s) => s.name !== null)
          .map((s) => s.name)
          .sort(),
      ).toEqual(['lbt-nats-1', 'lbt-nats-2']);
    } finally {
      await victim.start();
    }
  });
});
