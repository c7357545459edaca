import {
  AGGREGATES,
  certificateDecider,
  type CertificateMaterial,
  type Collection,
  floatingIpDecider,
  healthMonitorDecider,
  networkDecider,
  poolDecider,
  portDecider,
  subnetDecider,
  upcast,
  vipDecider,
} from '@lbaas/domain';
import type { DataSource } from 'typeorm';
import { DomainHistory, TENANT } from '../test/domain-history';
import { createDataSource } from './data-source';
import { Projector } from './projector';
import { QueryService } from './query-service';
import { snapshotTables } from './snapshot';
import { RESOURCE_TABLES } from './tables/resource-tables';

const DOMAIN = { aggregates: AGGREGATES, upcast };
const id = (n: number) => `${String(n).padStart(8, '0')}-0000-4000-8000-000000000000`;
const [VIP_NET, VIP_SUBNET, POOL, M1, M2, MONITOR, VIP, PORT, PUBLIC_NET, PUBLIC_SUBNET, FIP, CERT, CERT2] = [
  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
].map(id);
/** Stands for the AES-256-GCM ciphertext of a key: what must never reach a read-model table. */
const SEALED = 'c2VhbGVkIGtleSBieXRlcyB0aGF0IG5vIHRhYmxlIG1heSBob2xk';
const material = (n: number): CertificateMaterial => ({
  kind: 'server',
  certificate: `-----BEGIN CERTIFICATE-----\nMIIB${n}\n-----END CERTIFICATE-----\n`,
  privateKey: { algorithm: 'AES-256-GCM', keyId: '0123456789abcdef', iv: 'aXY=', tag: 'dGFn', ciphertext: `${SEALED}${n}` },
  fingerprint: String(n).repeat(64).slice(0, 64),
  subject: `www${n}.example.test`,
  hostnames: [`www${n}.example.test`],
  notBefore: '2026-01-01T00:00:00.000Z',
  notAfter: '2027-01-01T00:00:00.000Z',
});

/** The seed's workflow, aggregate by aggregate, through the real deciders. */
function seedWorkflow(): DomainHistory {
  const h = new DomainHistory();
  const tenantId = TENANT;
  h.run(networkDecider, VIP_NET, {
    type: 'CreateNetwork',
    data: { networkId: VIP_NET, tenantId, name: 'vipnet', adminStateUp: true, shared: false, external: false },
  });
  h.run(subnetDecider, VIP_SUBNET, {
    type: 'CreateSubnet',
    data: { subnetId: VIP_SUBNET, tenantId, networkId: VIP_NET, cidr: '198.18.1.0/24', name: 'vipsubnet' },
  });
  h.run(networkDecider, VIP_NET, { type: 'AttachSubnet', data: { networkId: VIP_NET, subnetId: VIP_SUBNET, cidr: '198.18.1.0/24' } });
  h.run(networkDecider, PUBLIC_NET, {
    type: 'CreateNetwork',
    data: { networkId: PUBLIC_NET, tenantId: 'admin', name: 'Public', adminStateUp: true, shared: false, external: true },
  });
  h.run(subnetDecider, PUBLIC_SUBNET, {
    type: 'CreateSubnet',
    data: { subnetId: PUBLIC_SUBNET, tenantId: 'admin', networkId: PUBLIC_NET, cidr: '198.19.0.0/24' },
  });
  h.run(poolDecider, POOL, {
    type: 'CreatePool',
    data: {
      poolId: POOL,
      tenantId,
      name: 'mypool',
      description: '',
      subnetId: VIP_SUBNET,
      protocol: 'HTTP',
      lbMethod: 'ROUND_ROBIN',
      adminStateUp: true,
      provider: 'haproxy',
    },
  });
  for (const [memberId, address] of [
    [M1, '198.18.1.10'],
    [M2, '198.18.1.11'],
  ]) {
    h.run(poolDecider, POOL, {
      type: 'AddMember',
      data: { poolId: POOL, memberId, tenantId, address, protocolPort: 80, weight: 1, adminStateUp: true },
    });
  }
  h.run(healthMonitorDecider, MONITOR, {
    type: 'CreateHealthMonitor',
    data: { monitorId: MONITOR, tenantId, type: 'HTTP', delay: 20, timeout: 10, maxRetries: 3 },
  });
  h.run(healthMonitorDecider, MONITOR, { type: 'AssociatePool', data: { monitorId: MONITOR, poolId: POOL } });
  h.run(poolDecider, POOL, { type: 'AssociateMonitor', data: { poolId: POOL, monitorId: MONITOR } });
  h.run(certificateDecider, CERT, {
    type: 'CreateCertificate',
    data: { certificateId: CERT, tenantId, name: 'site', description: '', ...material(1) },
  });
  h.run(certificateDecider, CERT, { type: 'AttachCertificateVip', data: { certificateId: CERT, vipId: VIP } });
  h.run(poolDecider, POOL, { type: 'BindVip', data: { poolId: POOL, vipId: VIP, protocol: 'HTTP' } });
  h.run(subnetDecider, VIP_SUBNET, { type: 'AllocateAddress', data: { subnetId: VIP_SUBNET, ownerId: PORT, ipAddress: '198.18.1.100' } });
  h.run(portDecider, PORT, {
    type: 'CreatePort',
    data: {
      portId: PORT,
      tenantId,
      networkId: VIP_NET,
      subnetId: VIP_SUBNET,
      ipAddress: '198.18.1.100',
      name: `vip-${VIP}`,
      deviceId: VIP,
      deviceOwner: 'neutron:LOADBALANCER',
    },
  });
  h.run(vipDecider, VIP, {
    type: 'CreateVip',
    data: {
      vipId: VIP,
      tenantId,
      subnetId: VIP_SUBNET,
      address: '198.18.1.100',
      portId: PORT,
      protocolPort: 80,
      protocol: 'HTTP',
      poolId: POOL,
      name: 'vip',
      description: '',
      sessionPersistence: { type: 'APP_COOKIE', cookie_name: 'session' },
      connectionLimit: -1,
      adminStateUp: true,
    },
    tlsCertificateId: CERT,
  });
  h.run(certificateDecider, CERT, { type: 'ReplaceCertificate', data: { certificateId: CERT, ...material(2) } });
  h.run(certificateDecider, CERT2, {
    type: 'CreateCertificate',
    data: { certificateId: CERT2, tenantId, name: 'spare', description: '', ...material(3) },
  });
  h.run(certificateDecider, CERT2, { type: 'UpdateCertificate', data: { certificateId: CERT2, name: 'renamed' } });
  h.run(floatingIpDecider, FIP, {
    type: 'CreateFloatingIp',
    data: {
      floatingIpId: FIP,
      tenantId,
      floatingNetworkId: PUBLIC_NET,
      floatingSubnetId: PUBLIC_SUBNET,
      floatingIpAddress: '198.19.0.5',
      portId: PORT,
      fixedIpAddress: '198.18.1.100',
    },
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
    expect(rows.vips).toEqual([
      expect.objectContaining({ id: VIP, session_persistence: { type: 'APP_COOKIE', cookie_name: 'session' }, tls_certificate_id: CERT }),
    ]);
    expect(rows.certificates).toEqual([
      {
        id: CERT,
        tenant_id: TENANT,
        kind: 'server',
        name: 'site',
        description: '',
        certificate: material(2).certificate,
        fingerprint: material(2).fingerprint,
        subject: 'www2.example.test',
        hostnames: ['www2.example.test'],
        not_before: '2026-01-01T00:00:00.000Z',
        not_after: '2027-01-01T00:00:00.000Z',
        vip_ids: [VIP],
      },
      expect.objectContaining({ id: CERT2, name: 'renamed', vip_ids: [] }),
    ]);
    expect(rows.floatingips).toEqual([expect.objectContaining({ id: FIP, port_id: PORT, fixed_ip_address: '198.18.1.100' })]);
  });

  it('keeps no private key, sealed or not, in any table: rows or folded states', async () => {
    const history = seedWorkflow();
    const db = await freshDatabase();
    const projector = new Projector(db, DOMAIN);
    for (const commit of history.commits) await projector.applyCommits([commit]);
    const everything = JSON.stringify(await snapshotTables(db));
    expect(everything).not.toContain(SEALED);
    expect(everything).not.toMatch(/privateKey|private_key/);
    expect(everything).toContain(material(2).fingerprint);
  });

  it('empties the tables as the seed deletes everything, keeping the deleted states', async () => {
    const history = seedWorkflow();
    history.run(floatingIpDecider, FIP, { type: 'DeleteFloatingIp', data: { floatingIpId: FIP } });
    history.run(vipDecider, VIP, { type: 'DeleteVip', data: { vipId: VIP } });
    history.run(certificateDecider, CERT, { type: 'DetachCertificateVip', data: { certificateId: CERT, vipId: VIP } });
    history.run(certificateDecider, CERT, { type: 'DeleteCertificate', data: { certificateId: CERT } });
    history.run(certificateDecider, CERT2, { type: 'DeleteCertificate', data: { certificateId: CERT2 } });
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
    expect(states.filter((kind) => kind === 'deleted')).toHaveLength(9);
  });

  it('rebuilds to the same tables as the live projection, in any batch size and written once at the end', async () => {
    const history = seedWorkflow();
    const live = await freshDatabase();
    const projector = new Projector(live, DOMAIN);
    for (const commit of history.commits) await projector.applyCommits([commit]);
    for (const [batchEvents, unread] of [
      [1, false],
      [3, false],
      [5000, false],
      [1, true],
      [5000, true],
    ] as const) {
      const rebuilt = await freshDatabase();
      async function* replay() {
        yield* history.commits;
      }
      await new Projector(rebuilt, DOMAIN).rebuild(replay(), { batchEvents, unread });
      expect(await snapshotTables(rebuilt)).toEqual(await snapshotTables(live));
    }
  });

  it("shows a load balancer's VIP port in ports as the v2 api creates it: device_owner Octavia, device_id the load balancer", async () => {
    const history = new DomainHistory();
    const LB = id(20);
    const LB_PORT = id(21);
    history.run(networkDecider, VIP_NET, {
      type: 'CreateNetwork',
      data: { networkId: VIP_NET, tenantId: TENANT, name: 'vipnet', adminStateUp: true, shared: false, external: false },
    });
    history.run(portDecider, LB_PORT, {
      type: 'CreatePort',
      data: {
        portId: LB_PORT,
        tenantId: TENANT,
        networkId: VIP_NET,
        subnetId: VIP_SUBNET,
        ipAddress: '198.18.1.50',
        name: `octavia-lb-${LB}`,
        deviceId: LB,
        deviceOwner: 'Octavia',
      },
    });
    const db = await freshDatabase();
    await new Projector(db, DOMAIN).applyCommits(history.commits);
    const queries = new QueryService(db);
    const port = {
      id: LB_PORT,
      tenant_id: TENANT,
      network_id: VIP_NET,
      name: `octavia-lb-${LB}`,
      admin_state_up: true,
      status: 'ACTIVE',
      mac_address: expect.stringMatching(/^fa:16:3e(:[0-9a-f]{2}){3}$/),
      fixed_ips: [{ subnet_id: VIP_SUBNET, ip_address: '198.18.1.50' }],
      device_id: LB,
      device_owner: 'Octavia',
    };
    expect(
      await queries.list({
        collection: 'ports',
        tenantId: TENANT,
        filters: { device_owner: ['Octavia'], device_id: [LB] },
        fields: [],
        minSeq: 0,
      }),
    ).toEqual({
      items: [port],
    });
    expect(
      await queries.list({
        collection: 'ports',
        tenantId: TENANT,
        filters: { device_owner: ['neutron:LOADBALANCER'] },
        fields: [],
        minSeq: 0,
      }),
    ).toEqual({
      items: [],
    });
  });
});
