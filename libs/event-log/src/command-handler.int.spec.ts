import { fold, poolDecider } from '@lbaas/domain';
import { connectNats } from './nats-connection';
import { type NatsServerHandle, startNatsServer } from '@lbaas/testing';
import type { NatsConnection } from 'nats';
import { randomUUID } from 'node:crypto';
import { handleCommand } from './command-handler';
import { JetStreamEventStore } from './jetstream-event-store';

const WRITERS = 6;

describe('handleCommand against a real nats-server', () => {
  let nats: NatsServerHandle;
  let nc: NatsConnection;

  beforeAll(async () => {
    nats = await startNatsServer();
    nc = await connectNats('lbt-command-handler', nats.url);
    await (await JetStreamEventStore.create(nc)).ensureStream();
  });
  afterAll(async () => {
    await nc?.close();
    await nats?.stop();
  });

  // Each loss is another writer's success, so with fewer writers than attempts every one succeeds.
  it(`lets ${WRITERS} simultaneous writers of one aggregate, each with its own cache, all append exactly once`, async () => {
    const poolId = randomUUID();
    const metadata = { actor: 'test', tenantId: 't1', correlationId: 'req-create', causationId: null };
    const first = await JetStreamEventStore.create(nc);
    await handleCommand(
      first,
      poolDecider,
      poolId,
      {
        type: 'CreatePool',
        data: {
          poolId,
          tenantId: 't1',
          name: 'web',
          description: '',
          subnetId: randomUUID(),
          protocol: 'HTTP',
          lbMethod: 'ROUND_ROBIN',
          adminStateUp: true,
          provider: 'haproxy',
        },
      },
      metadata,
    );
    const stores = await Promise.all(Array.from({ length: WRITERS }, () => JetStreamEventStore.create(nc)));
    // Every store reads the pool first, so all of them start from the same stale version.
    await Promise.all(stores.map((store) => store.read('pool', poolId)));
    const results = await Promise.all(
      stores.map((store, i) =>
        handleCommand(
          store,
          poolDecider,
          poolId,
          {
            type: 'AddMember',
            data: {
              poolId,
              memberId: `member-${i}`,
              tenantId: 't1',
              address: `198.18.3.${i + 10}`,
              protocolPort: 80,
              weight: 1,
              adminStateUp: true,
            },
          },
          { ...metadata, correlationId: `req-${i}` },
        ),
      ),
    );
    expect(results.every((r) => r.appended)).toBe(true);
    expect(new Set(results.map((r) => r.seq)).size).toBe(WRITERS);
    const history = await first.read('pool', poolId);
    expect(
      history.events
        .filter((e) => e.type === 'MemberAdded')
        .map((e) => e.correlationId)
        .sort(),
    ).toEqual(Array.from({ length: WRITERS }, (_, i) => `req-${i}`).sort());
    const pool = fold(poolDecider, history.events);
    expect(pool.kind === 'live' ? pool.members.map((m) => m.id).sort() : []).toEqual(
      Array.from({ length: WRITERS }, (_, i) => `member-${i}`).sort(),
    );
  });
});
