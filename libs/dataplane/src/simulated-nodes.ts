import { serviceInstanceDecider, type ServiceInstanceEvent, type ServiceInstanceState, upcast } from '@lbaas/domain';
import { executeSystemCommand, JetStreamEventStore } from '@lbaas/event-store';
import { type CommitFollower, followCommits, type HeartbeatSender, sendHeartbeats } from '@lbaas/messaging';
import type { NatsConnection } from 'nats';
import { v4 as uuidv4 } from 'uuid';

export interface SimulatedNodesOptions {
  readonly nc: NatsConnection;
  readonly nodeIds: readonly string[];
  readonly heartbeatMs: number;
  readonly onRelease?: (release: { nodeId: string; instanceId: string; vmId: string }) => void;
  readonly onError?: (error: unknown) => void;
}

export interface SimulatedNodes {
  /** Stops one node's heartbeats, as if its host died; the scheduler declares it lost after the silence. */
  silence(nodeId: string): Promise<void>;
  /** Starts a silenced node's heartbeats again. */
  revive(nodeId: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Compute nodes without a data plane (the `fake` driver): they heartbeat, and they report the
 * placements of deleted instances as removed, since there is nothing to tear down. For
 * `lbaas dev nodes`, for the scheduler's tests, and for simulations of large fleets.
 */
export async function runSimulatedNodes(options: SimulatedNodesOptions): Promise<SimulatedNodes> {
  const { nc, nodeIds, heartbeatMs } = options;
  const store = await JetStreamEventStore.create(nc);
  await store.ensureStream();
  const senders = new Map<string, HeartbeatSender>();
  const beat = async (nodeId: string) => senders.set(nodeId, await sendHeartbeats(nc, nodeId, heartbeatMs, { driver: 'fake', pid: process.pid }));
  for (const nodeId of nodeIds) await beat(nodeId);

  const instances = new Map<string, ServiceInstanceState>();
  const releasing = new Set<string>();
  const release = async (instanceId: string, vmId: string, nodeId: string): Promise<void> => {
    const key = `${instanceId}/${vmId}`;
    if (releasing.has(key)) return;
    releasing.add(key);
    try {
      await executeSystemCommand(store, serviceInstanceDecider, instanceId, { type: 'ReleasePlacement', data: { instanceId, vmId } },
        { actor: `node-agent ${nodeId}`, correlationId: uuidv4(), causationId: null, tenantId: 'system' });
      options.onRelease?.({ nodeId, instanceId, vmId });
    } catch (error) {
      options.onError?.(error);
    } finally {
      releasing.delete(key);
    }
  };
  const follower: CommitFollower = await followCommits({
    nc,
    onCommit: ({ commit }) => {
      for (const event of commit.events) {
        if (event.aggregate !== 'serviceinstance') continue;
        const state = serviceInstanceDecider.evolve(instances.get(event.aggregateId) ?? serviceInstanceDecider.initialState, upcast(event) as unknown as ServiceInstanceEvent);
        instances.set(event.aggregateId, state);
        if (state.kind !== 'live' || !state.deleting) continue;
        for (const p of state.placements) {
          if (senders.has(p.nodeId)) void release(state.id, p.vmId, p.nodeId);
        }
      }
    },
  });
  return {
    silence: async (nodeId) => {
      await senders.get(nodeId)?.stop();
      senders.delete(nodeId);
    },
    revive: async (nodeId) => {
      if (!senders.has(nodeId)) await beat(nodeId);
    },
    stop: async () => {
      for (const sender of senders.values()) await sender.stop();
      senders.clear();
      await follower.stop();
    },
  };
}
