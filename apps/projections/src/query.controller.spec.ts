import { createDataSource, QueryService, RESOURCE_TABLES } from '@lbaas/read-models';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { CheckpointGate } from './checkpoint-gate';
import { configFromEnv } from './config';
import type { EventLog } from './event-log';
import { type LiveProjection, RebuildInProgress } from './live-projection';
import { QueryController } from './query.controller';

const TENANT = 'a0000000-0000-4000-8000-00000000000a';
const NETWORK = {
  id: '50000000-0000-4000-8000-000000000005',
  tenant_id: TENANT,
  name: 'vipnet',
  admin_state_up: true,
  status: 'ACTIVE',
  subnets: [],
  shared: false,
  'router:external': false,
};

describe('QueryController', () => {
  let db: DataSource;
  let gate: CheckpointGate;
  let rebuild: jest.Mock;
  let controller: QueryController;

  beforeEach(async () => {
    db = await createDataSource({ sqlitePath: ':memory:' }).initialize();
    await db.getRepository(RESOURCE_TABLES.networks.entity).save(RESOURCE_TABLES.networks.toRow(NETWORK));
    gate = new CheckpointGate();
    rebuild = jest.fn();
    const log = { lastSeq: async () => 42 } as Partial<EventLog> as EventLog;
    const live = { rebuild, readable: async () => undefined } as Partial<LiveProjection> as LiveProjection;
    const config = { ...configFromEnv({}), minSeqWaitMs: 200 };
    controller = new QueryController(new QueryService(db), gate, live, log, config, pino({ level: 'silent' }));
  });
  afterEach(() => db.destroy());

  const listNetworks = (minSeq: number) => ({ collection: 'networks', tenantId: TENANT, filters: {}, fields: ['name'], minSeq });

  it('answers at once when the projection has reached minSeq', async () => {
    gate.moveTo(3);
    expect(await controller.list(listNetworks(3))).toEqual({ items: [{ name: 'vipnet' }] });
  });

  it('waits for the commit that brings the projection to minSeq', async () => {
    const reply = controller.list(listNetworks(7));
    gate.moveTo(7);
    expect(await reply).toEqual({ items: [{ name: 'vipnet' }] });
  });

  it('answers ProjectionLagging (503) when the projection does not get there in time', async () => {
    gate.moveTo(1);
    expect(await controller.get({ collection: 'networks', id: NETWORK.id, tenantId: null, fields: [], minSeq: 2 })).toEqual({
      error: { status: 503, type: 'ProjectionLagging', message: expect.stringContaining('at sequence 1, not yet at 2') },
    });
  });

  it.each([
    ['not an object', 'pools'],
    ['an unknown collection', { ...listNetworks(0), collection: 'volumes' }],
    ['filters that are not lists', { ...listNetworks(0), filters: { name: 'x' } }],
    ['a negative minSeq', { ...listNetworks(0), minSeq: -1 }],
    ['a missing tenantId', { collection: 'networks', filters: {}, fields: [], minSeq: 0 }],
    ['tags without all four lists', { ...listNetworks(0), tags: { all: ['a'] } }],
    ['tags that are not strings', { ...listNetworks(0), tags: { all: [1], any: [], notAll: [], notAny: [] } }],
  ])('rejects a payload that is %s with InvalidQuery (400)', async (_desc, payload) => {
    expect(await controller.list(payload)).toEqual({ error: { status: 400, type: 'InvalidQuery', message: expect.any(String) } });
  });

  it('serves pool stats, the projects and the status', async () => {
    gate.moveTo(5);
    expect(await controller.poolStats({ poolId: 'absent', tenantId: TENANT, minSeq: 0 })).toEqual({ stats: null });
    expect(await controller.listenerStats({ listenerId: 'absent', tenantId: TENANT, minSeq: 0 })).toEqual({ stats: null });
    expect(await controller.loadBalancerStats({ loadBalancerId: 'absent', tenantId: null, minSeq: 0 })).toEqual({ stats: null });
    expect(await controller.loadBalancerStats({ listenerId: 'absent', tenantId: null, minSeq: 0 })).toMatchObject({
      error: { status: 400, type: 'InvalidQuery' },
    });
    expect(await controller.projects({ minSeq: 5 })).toEqual({ projects: [TENANT] });
    expect(await controller.status()).toEqual({ checkpoint: 5, streamLastSeq: 42 });
  });

  it('passes the tag filters through', async () => {
    const tags = { all: ['web'], any: [], notAll: [], notAny: [] };
    expect(await controller.list({ ...listNetworks(0), tags })).toEqual({ items: [{ name: 'vipnet' }] });
  });

  it('answers a second rebuild with RebuildInProgress (409)', async () => {
    rebuild.mockRejectedValueOnce(new RebuildInProgress('A rebuild is already running.'));
    expect(await controller.rebuild()).toEqual({
      error: { status: 409, type: 'RebuildInProgress', message: 'A rebuild is already running.' },
    });
  });
});
