import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection, type ObjectStore } from 'nats';
import {
  certificateDecider,
  type CertificateMaterial,
  poolDecider,
  serviceInstanceDecider,
  vipDecider,
  type VipState,
} from '@lbaas/domain';
import { executeSystemCommand, JetStreamEventStore, systemActor } from '@lbaas/event-log';
import { FakeDriver, type PlacementSpec, waitFor } from '@lbaas/dataplane';
import {
  baseHaproxyInput,
  baseKeepalivedInput,
  canonicalJson,
  placementBundleName,
  renderPlacement,
  withPool,
  withVip,
} from '@lbaas/haproxy';
import { type KeyRing, loadKeyRing, sealSecret } from '@lbaas/secrets';
import { type NatsServerHandle, startNatsServer } from '@lbaas/testing';
import { CONFIG_BUCKET } from '@lbaas/coordination';
import { type NodeAgent, runNodeAgent } from './node-agent';
import { certificateKeyFile } from './placement-tls';

const NODE = 'compute-node-1';
const KEY_PEM = '-----BEGIN PRIVATE KEY-----\nTHE-TENANT-KEY-MATERIAL\n-----END PRIVATE KEY-----\n';
const certificatePem = (n: number) => `-----BEGIN CERTIFICATE-----\nLEAF-${n}\n-----END CERTIFICATE-----\n`;

/** Runs nothing and records what HAProxy was started or reloaded with. */
class RecordingDriver extends FakeDriver {
  readonly applied: PlacementSpec[] = [];
  override async startHaproxy(placement: PlacementSpec): Promise<void> {
    this.applied.push(placement);
    await super.startHaproxy(placement);
  }

  override async reloadHaproxy(placement: PlacementSpec): Promise<void> {
    this.applied.push(placement);
    await super.reloadHaproxy(placement);
  }
}

/**
 * The node agent's side of TLS against a real nats-server: it folds certificates, gives the
 * driver the chain and the opened key of the certificate a placement's haproxy.cfg names, and
 * makes the VIP ERROR, saying why and never with key material, when the key cannot be opened.
 */
describe('node agent with a TLS VIP (real nats-server, recording driver)', () => {
  let nats: NatsServerHandle;
  let nc: NatsConnection;
  let store: JetStreamEventStore;
  let objects: ObjectStore;
  let agent: NodeAgent;
  let dir: string;
  let ring: KeyRing;
  const driver = new RecordingDriver();
  const logs: string[] = [];
  const [tenantId, poolId, vipId, certificateId, instanceId, vmId] = [
    't1',
    randomUUID(),
    randomUUID(),
    randomUUID(),
    randomUUID(),
    randomUUID(),
  ];
  const runRoot = '/run/lbaas-test';
  const who = systemActor('test', tenantId, null);
  const fingerprint = (n: number) => `${String(n).repeat(16)}${'e'.repeat(48)}`;
  const material = (n: number, sealedWith: KeyRing): CertificateMaterial => ({
    kind: 'server',
    certificate: certificatePem(n),
    privateKey: sealSecret(KEY_PEM, sealedWith),
    fingerprint: fingerprint(n),
    subject: 'CN=www.lbaas.test',
    hostnames: ['www.lbaas.test'],
    notBefore: '2026-01-01T00:00:00.000Z',
    notAfter: '2027-01-01T00:00:00.000Z',
  });

  /** What the config renderer would do: the placement's files naming the certificate and their bundle, stored and recorded. */
  const render = async (n: number): Promise<string> => {
    const base = baseHaproxyInput();
    const runDir = `${runRoot}/${vmId}`;
    const r = renderPlacement(
      {
        ...withPool({ id: poolId })(
          withVip({
            id: vipId,
            protocolPort: 443,
            defaultBackendId: poolId,
            tls: { certificateId, fingerprint: fingerprint(n) },
            insertHeaders: { forwardedFor: true, forwardedPort: true, forwardedProto: true },
          })(base),
        ),
        instanceId,
        runDir,
      },
      { ...baseKeepalivedInput(), instanceId, vmId, runDir, vrrpAddress: '198.19.192.1', virtualRouterId: 7 },
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
    return r.haproxy.hash;
  };
  const vip = async (): Promise<VipState> => {
    const { events } = await store.read('vip', vipId);
    return events.reduce((s, e) => vipDecider.evolve(s, e as never), vipDecider.initialState);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lbt-agent-tls-'));
    ring = loadKeyRing(join(dir, 'certificate.key'));
    nats = await startNatsServer();
    nc = await connect({ servers: nats.url });
    store = await JetStreamEventStore.create(nc);
    await store.ensureStream();
    objects = await nc.jetstream().views.os(CONFIG_BUCKET);
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
      certificateDecider,
      certificateId,
      {
        type: 'CreateCertificate',
        data: { certificateId, tenantId, name: 'www', description: '', ...material(1, ring) },
      },
      who,
    );
    await executeSystemCommand(
      store,
      certificateDecider,
      certificateId,
      { type: 'AttachCertificateVip', data: { certificateId, vipId } },
      who,
    );
    await executeSystemCommand(
      store,
      vipDecider,
      vipId,
      {
        type: 'CreateVip',
        tlsCertificateId: certificateId,
        data: {
          vipId,
          tenantId,
          subnetId: randomUUID(),
          address: '198.18.1.10',
          portId: randomUUID(),
          protocolPort: 443,
          protocol: 'HTTP',
          poolId,
          name: 'www',
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
        data: { instanceId, vmId, nodeId: NODE, vrrpAddress: '198.19.192.1', at: new Date().toISOString() },
      },
      who,
    );
    await render(1);
    agent = await runNodeAgent({
      nc,
      nodeId: NODE,
      driver,
      heartbeatMs: 300,
      reconcileMs: 500,
      observeMs: 60_000,
      certificateKeys: certificateKeyFile(join(dir, 'certificate.key')),
      log: (level, fields, message) => logs.push(JSON.stringify({ level, ...fields, message })),
    });
  });

  afterAll(async () => {
    await agent?.stop();
    await nc?.close();
    await nats?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives the driver the chain and the opened key at the path haproxy.cfg names, and the VIP goes ACTIVE', async () => {
    await waitFor('the placement applied with its TLS file', () => driver.applied.length > 0, 20_000);
    expect(driver.applied[0].tlsFiles).toEqual([
      { path: `${runRoot}/${vmId}/tls/${certificateId}-1111111111111111.pem`, pem: `${certificatePem(1)}${KEY_PEM}` },
    ]);
    await waitFor(
      'the VIP ACTIVE',
      async () => {
        const v = await vip();
        return v.kind === 'live' && v.status === 'ACTIVE';
      },
      20_000,
    );
  });

  it('applies the replacement once a rendering names it', async () => {
    await executeSystemCommand(
      store,
      certificateDecider,
      certificateId,
      { type: 'ReplaceCertificate', data: { certificateId, ...material(2, ring) } },
      who,
    );
    const hash = await render(2);
    await waitFor('the replacement applied', () => driver.applied.some((p) => p.haproxy.hash === hash), 20_000);
    expect(driver.applied.find((p) => p.haproxy.hash === hash)?.tlsFiles).toEqual([
      { path: `${runRoot}/${vmId}/tls/${certificateId}-2222222222222222.pem`, pem: `${certificatePem(2)}${KEY_PEM}` },
    ]);
  });

  it('makes the VIP ERROR with a reason naming the certificate when its key was sealed with a key the agent lacks, and applies nothing', async () => {
    const other = loadKeyRing(join(dir, 'other-deployment.key'));
    await executeSystemCommand(
      store,
      certificateDecider,
      certificateId,
      { type: 'ReplaceCertificate', data: { certificateId, ...material(3, other) } },
      who,
    );
    const hash = await render(3);
    await waitFor(
      'the VIP ERROR',
      async () => {
        const v = await vip();
        return v.kind === 'live' && v.status === 'ERROR';
      },
      20_000,
    );
    const v = await vip();
    if (v.kind !== 'live') throw new Error('the VIP is gone');
    expect(v.statusDescription).toMatch(
      new RegExp(`^cannot open the private key of certificate ${certificateId}: the secret was sealed with key ${other.current.id}`),
    );
    expect(driver.applied.some((p) => p.haproxy.hash === hash)).toBe(false);
    expect(logs.join('\n')).not.toMatch(/THE-TENANT-KEY-MATERIAL|PRIVATE KEY/);
  });
});
