import { randomUUID } from 'node:crypto';
import { connect, type NatsConnection } from 'nats';
import { poolDecider, serviceInstanceDecider, vipDecider, type VipState } from '@lbaas/domain';
import { executeSystemCommand, JetStreamEventStore, systemActor } from '@lbaas/event-log';
import { FakeDriver, waitFor } from '@lbaas/dataplane';
import {
  baseHaproxyInput,
  baseKeepalivedInput,
  canonicalJson,
  placementBundleName,
  renderPlacement,
  withPool,
  withVip,
} from '@lbaas/haproxy';
import { type NatsServerHandle, startNatsServer } from '@lbaas/testing';
import { CONFIG_BUCKET } from '@lbaas/coordination';
import { type NodeAgent, runNodeAgent } from './node-agent';

/** Runs nothing; with VRRP, the active holds the VIP's address only once the test says the election has given it. */
class ElectionDriver extends FakeDriver {
  holding = false;
  readonly asked: string[] = [];
  constructor() {
    super({ vrrp: true });
    this.holdsVip = (vmId, vipAddress) => {
      this.asked.push(`${vmId} ${vipAddress}`);
      return this.holding;
    };
  }
}

/**
 * ACTIVE promises that traffic reaches the active placement: with VRRP the agent reports it
 * only once the active holds the VIP's address, not the moment its files are applied.
 */
describe('node agent with a VRRP driver (real nats-server)', () => {
  let nats: NatsServerHandle;
  let nc: NatsConnection;
  let store: JetStreamEventStore;
  let agent: NodeAgent;
  const driver = new ElectionDriver();
  const [tenantId, poolId, vipId, instanceId, vmId] = ['t1', randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const who = systemActor('test', tenantId, null);
  const vip = async (): Promise<VipState> => {
    const { events } = await store.read('vip', vipId);
    return events.reduce((s, e) => vipDecider.evolve(s, e as never), vipDecider.initialState);
  };

  beforeAll(async () => {
    nats = await startNatsServer();
    nc = await connect({ servers: nats.url });
    store = await JetStreamEventStore.create(nc);
    await store.ensureStream();
    const objects = await nc.jetstream().views.os(CONFIG_BUCKET);
    await executeSystemCommand(
      store,
      poolDecider,
      poolId,
      {
        type: 'CreatePool',
        data: {
          poolId,
          tenantId,
          name: 'web',
          description: '',
          subnetId: randomUUID(),
          protocol: 'HTTP',
          lbMethod: 'ROUND_ROBIN',
          adminStateUp: true,
          provider: 'haproxy',
        },
      },
      who,
    );
    await executeSystemCommand(
      store,
      vipDecider,
      vipId,
      {
        type: 'CreateVip',
        data: {
          vipId,
          tenantId,
          subnetId: randomUUID(),
          address: '198.18.1.10',
          portId: randomUUID(),
          protocolPort: 80,
          protocol: 'HTTP',
          poolId,
          name: 'web',
          description: '',
          sessionPersistence: null,
          connectionLimit: -1,
          adminStateUp: true,
        },
      },
      who,
    );
    await executeSystemCommand(
      store,
      serviceInstanceDecider,
      instanceId,
      {
        type: 'CreateServiceInstance',
        data: { instanceId, tenantId, source: { kind: 'vip', vipId, poolId }, createTs: 1, virtualRouterId: 7 },
      },
      who,
    );
    await executeSystemCommand(
      store,
      serviceInstanceDecider,
      instanceId,
      {
        type: 'PlaceInstance',
        data: { instanceId, vmId, nodeId: 'compute-node-1', vrrpAddress: '198.19.192.1', at: new Date().toISOString() },
      },
      who,
    );
    const base = baseHaproxyInput();
    const runDir = `/run/lbaas-test/${vmId}`;
    const r = renderPlacement(
      { ...withPool({ id: poolId })(withVip({ id: vipId, defaultBackendId: poolId })(base)), instanceId, runDir },
      {
        ...baseKeepalivedInput(),
        instanceId,
        vmId,
        runDir,
        vrrpAddress: '198.19.192.1',
        virtualRouterId: 7,
        vip: { address: '198.18.1.10', prefixLength: 24 },
      },
    );
    for (const f of [r.haproxy, r.keepalived]) await objects.putBlob({ name: f.hash }, new TextEncoder().encode(f.text));
    await objects.putBlob(
      { name: placementBundleName(r.haproxy.hash, r.keepalived.hash) },
      new TextEncoder().encode(canonicalJson(r.bundle)),
    );
    await executeSystemCommand(
      store,
      serviceInstanceDecider,
      instanceId,
      {
        type: 'RecordConfigRendered',
        data: { instanceId, placements: [{ vmId, haproxyHash: r.haproxy.hash, keepalivedHash: r.keepalived.hash }], sourceRevision: null },
      },
      who,
    );
    agent = await runNodeAgent({
      nc,
      nodeId: 'compute-node-1',
      driver,
      heartbeatMs: 300,
      reconcileMs: 500,
      observeMs: 60_000,
      log: () => undefined,
    });
  });

  afterAll(async () => {
    await agent?.stop();
    await nc?.close();
    await nats?.stop();
  });

  it('keeps the VIP PENDING_CREATE while the active placement does not hold the address, and reports ACTIVE once it does', async () => {
    await waitFor('the agent asking again and again whether the active holds the VIP', () => driver.asked.length >= 5, 20_000);
    expect(driver.asked[0]).toBe(`${vmId} 198.18.1.10`);
    expect(await vip()).toMatchObject({ status: 'PENDING_CREATE' });
    driver.holding = true;
    await waitFor(
      'the VIP ACTIVE',
      async () => {
        const v = await vip();
        return v.kind === 'live' && v.status === 'ACTIVE';
      },
      20_000,
    );
  });
});
