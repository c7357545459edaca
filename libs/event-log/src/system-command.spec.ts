import { type AggregateType, type EventEnvelope, nodeDecider } from '@lbaas/domain';
import type { AggregateHistory, AppendOptions, AppendResult, EventStore } from './event-store';
import { executeSystemCommand, systemActor } from './system-command';

/** One aggregate's stream in memory, enough for a system command's read, decide and append. */
class OneStreamStore implements EventStore {
  readonly appended: EventEnvelope[] = [];

  async read(_aggregate: AggregateType, _id: string): Promise<AggregateHistory> {
    return { events: this.appended, version: this.appended.length };
  }

  async append(_aggregate: AggregateType, _id: string, events: readonly EventEnvelope[], _options: AppendOptions): Promise<AppendResult> {
    this.appended.push(...events);
    return { seq: this.appended.length, duplicate: false };
  }
}

const VIP_CREATED = { id: '01934f2a-8c1e-7b3d-9a45-6e2f1c0d8b7a', correlationId: 'req-42' };

describe('systemActor', () => {
  it('carries the correlation id of the event it acts on, and names that event as the cause', () => {
    expect(systemActor('scheduler', 'system', VIP_CREATED)).toEqual({
      actor: 'scheduler',
      tenantId: 'system',
      correlationId: 'req-42',
      causationId: VIP_CREATED.id,
    });
  });

  it('starts a new correlation when no event caused the command', () => {
    const [first, second] = [systemActor('node-agent n1', 'system', null), systemActor('node-agent n1', 'system', null)];
    expect(first).toMatchObject({ actor: 'node-agent n1', causationId: null });
    expect(first.correlationId).not.toBe(second.correlationId);
  });
});

describe('executeSystemCommand', () => {
  it('stamps the appended events with the cause: its correlation id, and a causation chain starting at it', async () => {
    const store = new OneStreamStore();
    await executeSystemCommand(
      store,
      nodeDecider,
      'compute-node-1',
      { type: 'RecordHeartbeat', data: { nodeId: 'compute-node-1' } },
      systemActor('scheduler', 'system', VIP_CREATED),
    );
    expect(store.appended).toEqual([
      expect.objectContaining({
        type: 'NodeRegistered',
        actor: 'scheduler',
        correlationId: 'req-42',
        causationId: VIP_CREATED.id,
        tenantId: 'system',
      }),
    ]);
  });
});
