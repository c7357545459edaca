import {
  AGGREGATES, type Collection, floatingIpDecider, healthMonitorDecider, networkDecider, poolDecider, portDecider, subnetDecider, upcast, vipDecider,
} from '@lbaas/domain';
import type { DataSource } from 'typeorm';
import { DomainHistory, TENANT } from '../test/domain-history';
import { createDataSource } from './data-source';
import { Projector } from './projector';
import { snapshotTables } from './snapshot';
import { RESOURCE_TABLES } from './tables/resource-tables';

const DOMAIN = { aggregates: AGGREGATES, upcast };
const id = (n: number) => `${String(n).padStart(8, '0')}-0000-4000-8000-000000000000`;
const [VIP_NET, VIP_SUBNET, POOL, M1, M2, MONITOR, VIP, PORT, PUBLIC_NET, PUBLIC_SUBNET, FIP] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map(id);

/** The seed's workflow, aggregate by aggregate, through the real deciders. */
function seedWorkflow(): DomainHistory {
  const h = new DomainHistory();
  const tenantId = TENANT;
  h.run(networkDecider, VIP_NET, { type: 'CreateNetwork', data: { networkId: VIP_NET, tenantId, name: 'vipnet', adminStateUp: true, shared: false, external: false } });
  h.run(subnetDecider, VIP_SUBNET, { type: 'CreateSubnet', data: { subnetId: VIP_SUBNET, tenantId, networkId: VIP_NET, cidr: '198.18.1.0/24', name: 'vipsubnet' } });
  h.run(networkDecider, VIP_NET, { type: 'AttachSubnet', data: { networkId: VIP_NET, subnetId: VIP_SUBNET, cidr: '198.18.1.0/24' } });
  h.run(networkDecider, PUBLIC_NET, { type: 'CreateNetwork', data: { networkId: PUBLIC_NET, tenantId: 'admin', name: 'Public', adminStateUp: true, shared: false, external: true } });
  h.run(subnetDecider, PUBLIC_SUBNET, { type: 'CreateSubnet', data: { subnetId: PUBLIC_SUBNET, tenantId: 'admin', networkId: PUBLIC_NET, cidr: '198.19.0.0/24' } });
  h.run(poolDecider, POOL, {
    type: 'CreatePool',
    data: { poolId: POOL, tenantId, name: 'mypool', description: '', subnetId: VIP_SUBNET, protocol: 'HTTP', lbMethod: 'ROUND_ROBIN', adminStateUp: true, provider: 'haproxy' },
  });
  for (const [memberId, address] of [[M1, '198.18.1.10'], [M2, '198.18.1.11']]) {
    h.run(poolDecider, POOL, { type: 'AddMember', data: { poolId: POOL, memberId, tenantId, address, protocolPort: 80, weight: 1, adminStateUp: true } });
  }
  h.run(healthMonitorDecider, MONITOR, { type: 'CreateHealthMonitor', data: { monitorId: MONITOR, tenantId, type: 'HTTP', delay: 20, timeout: 10, maxRetries: 3 } });
  h.run(healthMonitorDecider, MONITOR, { type: 'AssociatePool', data: { monitorId: MONITOR, poolId: POOL } });
  h.run(poolDecider, POOL, { type: 'AssociateMonitor', data: { poolId: POOL, monitorId: MONITOR } });
  h.run(poolDecider, POOL, { type: 'BindVip', data: { poolId: POOL, vipId: VIP, protocol: 'HTTP' } });
  h.run(subnetDecider, VIP_SUBNET, { type: 'AllocateAddress', data: { subnetId: VIP_SUBNET, ownerId: PORT, ipAddress: '198.18.1.100' } });
  h.run(portDecider, PORT, {
    type: 'CreatePort',
    data: { portId: PORT, tenantId, networkId: VIP_NET, subnetId: VIP_SUBNET, ipAddress: '198.18.1.100', name: `vip-${VIP}`, deviceId: VIP, deviceOwner: 'neutron:LOADBALANCER' },
  });
  h.run(vipDecider, VIP, {
    type: 'CreateVip',
    data: {
      vipId: VIP, tenantId, subnetId: VIP_SUBNET, address: '198.18.1.100', portId: PORT, protocolPort: 80, protocol: 'HTTP', poolId: POOL,
      name: 'vip', description: '', sessionPersistence: { type: 'APP_COOKIE', cookie_name: 'session' }, connectionLimit: -1, adminStateUp: true,
    },
  });
  h.run(floatingIpDecider, FIP, {
    type: 'CreateFloatingIp',
    data: { floatingIpId: FIP, tenantId, floatingNetworkId: PUBLIC_NET, floatingSubnetId: PUBLIC_SUBNET, floatingIpAddress: '198.19.0.5', portId: PORT, fixedIpAddress: '198.18.1.100' },
  });
  h.run(poolDecider, POOL, { type: 'UpdateMember', data: { poolId: POOL, memberId: M2, weight: 7 } });
  h.run(poolDecider, POOL, { type: 'RemoveMember', data: { poolId: POOL, memberId: M1 } });
  h.run(healthMonitorDecider, MONITOR, { type: 'DisassociatePool', data: { monitorId: MONITOR, poolId: POOL } });
  h.run(poolDecider, POOL, { type: 'DisassociateMonitor', data: { poolId: POOL, monitorId: MONITOR } });
  return h;
}

const databases: DataSource[] = [];
async function freshDatabase(): Promise<DataSource> {
  const db = await createDataSource({ sqlitePath: ':memory:' }).initialize();
  databases.push(db);
  return db;
}
afterEach(async () => {
  await Promise.all(databases.splice(0).map((db) => db.destroy()));
});

async function tableRows(db: DataSource): Promise<Record<string, Record<string, unknown>[]>> {
  const rows: Record<string, Record<string, unknown>[]> = {};
  for (const [collection, table] of Object.entries(RESOURCE_TABLES)) {
    const found = await db.getRepository(table.entity).find({ order: { id: 'ASC' } });
    if (found.length > 0) rows[collection as Collection] = found.map(table.toResource);
  }
  return rows;
}

describe('Projector with the domain registry', () => {
  it("holds exactly every aggregate's views after the seed workflow, each commit delivered twice", async () => {
    const history = seedWorkflow();
    const db = await freshDatabase();
    const projector = new Projector(db, DOMAIN);
    for (const commit of history.commits) {
      await projector.applyCommits([commit]);
      await projector.applyCommits([commit]);
    }
    const rows = await tableRows(db);
    expect(rows).toEqual(history.expectedRows());
    expect(rows.pools).toEqual([expect.objectContaining({ id: POOL, vip_id: VIP, members: [M2], health_monitors: [] })]);
    expect(rows.members).toEqual([expect.objectContaining({ id: M2, pool_id: POOL, weight: 7 })]);
    expect(rows.networks).toEqual([
      expect.objectContaining({ id: VIP_NET, subnets: [VIP_SUBNET], 'router:external': false }),
      expect.objectContaining({ id: PUBLIC_NET, 'router:external': true }),
    ]);
    expect(rows.vips).toEqual([expect.objectContaining({ id: VIP, session_persistence: { type: 'APP_COOKIE', cookie_name: 'session' } })]);
    expect(rows.floatingips).toEqual([expect.objectContaining({ id: FIP, port_id: PORT, fixed_ip_address: '198.18.1.100' })]);
  });

  it('empties the tables as the seed deletes everything, keeping the deleted states', async () => {
    const history = seedWorkflow();
    history.run(floatingIpDecider, FIP, { type: 'DeleteFloatingIp', data: { floatingIpId: FIP } });
    history.run(vipDecider, VIP, { type: 'DeleteVip', data: { vipId: VIP } });
    history.run(portDecider, PORT, { type: 'DeletePort', data: { portId: PORT } });
    history.run(subnetDecider, VIP_SUBNET, { type: 'ReleaseAddress', data: { subnetId: VIP_SUBNET, ownerId: PORT } });
    history.run(poolDecider, POOL, { type: 'UnbindVip', data: { poolId: POOL, vipId: VIP } });
    history.run(poolDecider, POOL, { type: 'RemoveMember', data: { poolId: POOL, memberId: M2 } });
    history.run(poolDecider, POOL, { type: 'DeletePool', data: { poolId: POOL } });
    history.run(healthMonitorDecider, MONITOR, { type: 'DeleteHealthMonitor', data: { monitorId: MONITOR } });
    history.run(networkDecider, VIP_NET, { type: 'DetachSubnet', data: { networkId: VIP_NET, subnetId: VIP_SUBNET } });
    history.run(subnetDecider, VIP_SUBNET, { type: 'DeleteSubnet', data: { subnetId: VIP_SUBNET } });
    history.run(networkDecider, VIP_NET, { type: 'DeleteNetwork', data: { networkId: VIP_NET } });

    const db = await freshDatabase();
    const projector = new Projector(db, DOMAIN);
    for (const commit of history.commits) await projector.applyCommits([commit]);
    expect(await tableRows(db)).toEqual({
      networks: [expect.objectContaining({ id: PUBLIC_NET })],
      subnets: [expect.objectContaining({ id: PUBLIC_SUBNET })],
    });
    const states = (await snapshotTables(db)).aggregate_states.map((row) => JSON.parse(String(row.state)).kind);
    expect(states.filter((kind) => kind === 'deleted')).toHaveLength(7);
  });

  it('rebuilds to the same tables as the live projection, in any batch size', async () => {
    const history = seedWorkflow();
    const live = await freshDatabase();
    const projector = new Projector(live, DOMAIN);
    for (const commit of history.commits) await projector.applyCommits([commit]);
    for (const batchEvents of [1, 3, 5000]) {
      const rebuilt = await freshDatabase();
      async function* replay() {
        yield* history.commits;
      }
      await new Projector(rebuilt, DOMAIN).rebuild(replay(), { batchEvents });
      expect(await snapshotTables(rebuilt)).toEqual(await snapshotTables(live));
    }
  });
});
