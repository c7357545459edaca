import type { PlacementDriver } from '@lbaas/dataplane';
import { loadBalancerDecider, poolDecider } from '@lbaas/domain';
import { executeSystemCommand, type JetStreamEventStore, systemActor } from '@lbaas/event-log';
import { memberHealth, parseShowStat } from '@lbaas/haproxy';
import { encodeListenerStatsSample, listenerStatsSubject, type PoolStatsSample, poolStatsSubject } from '@lbaas/coordination';
import type { NatsConnection } from 'nats';
import type { AgentLog } from './agent-log';
import { readLoadBalancerStats } from './load-balancer-health';
import type { NodeAgentMetrics } from './node-agent-metrics';
import type { NodeLog } from './node-log';

const MEMBER_STATUS_REASON: Record<string, string | null> = {
  ACTIVE: null,
  INACTIVE: 'failed its health checks',
  DOWN: 'admin_state_up is false',
};

/**
 * Member health from HAProxy's checks on this node's active placements, appended on transitions
 * only, and the counters of each v1 pool and v2 listener, published as samples on core NATS (the
 * pools' kept as metrics too).
 */
export class HealthObserver {
  /** What this agent last reported per pool member, so a steady member costs no reads of the log. */
  private readonly reported = new Map<string, string>();
  private observing = false;

  constructor(
    private readonly o: {
      readonly nc: NatsConnection;
      readonly store: JetStreamEventStore;
      readonly log: NodeLog;
      readonly driver: PlacementDriver;
      readonly agentLog: AgentLog;
      readonly metrics?: NodeAgentMetrics;
    },
  ) {}

  async observe(): Promise<void> {
    if (this.observing) return;
    this.observing = true;
    const { nc, store, log, driver, agentLog, metrics } = this.o;
    try {
      const samples: PoolStatsSample[] = [];
      // This node's instances only: walking every instance of the log cost each agent the whole deployment every second.
      for (const si of log.mineInstances()) {
        const active = si.placements.find((p) => p.role === 'active' && p.nodeId === log.nodeId);
        if (si.deleting || !active) continue;
        if (si.source.kind === 'loadbalancer') {
          await this.observeLoadBalancer(si.source.loadBalancerId, active.vmId);
          continue;
        }
        const poolId = si.source.poolId;
        const csv = await driver.showStat(active.vmId);
        if (!csv) continue;
        for (const row of parseShowStat(csv).filter((r) => r.pxname === poolId)) {
          if (row.svname === 'BACKEND') {
            const sample: PoolStatsSample = {
              poolId: poolId,
              bytesIn: row.bytesIn,
              bytesOut: row.bytesOut,
              activeConnections: row.currentSessions,
              totalConnections: row.totalSessions,
            };
            nc.publish(poolStatsSubject(poolId), JSON.stringify(sample));
            samples.push(sample);
            continue;
          }
          const status = memberHealth(row.status);
          const key = `${poolId}/${row.svname}`;
          if (this.reported.get(key) === status) continue;
          // A health check is no event's consequence: a new correlation id.
          const actor = systemActor(`node-agent ${log.nodeId}`, 'system', null);
          const result = await executeSystemCommand(
            store,
            poolDecider,
            poolId,
            {
              type: 'RecordMemberStatus',
              data: { poolId: poolId, memberId: row.svname, status, statusDescription: MEMBER_STATUS_REASON[status] },
            },
            actor,
          );
          if (result.events.length > 0) {
            agentLog(
              'info',
              {
                correlationId: actor.correlationId,
                causationId: actor.causationId,
                poolId: poolId,
                memberId: row.svname,
                events: result.events.map((e) => e.type),
              },
              'appended',
            );
          }
          this.reported.set(key, status);
        }
      }
      metrics?.recordPoolTraffic(samples);
    } catch (error) {
      agentLog('warn', { err: error instanceof Error ? error.message : String(error) }, 'could not read member health; retrying');
    } finally {
      this.observing = false;
    }
  }

  /** A load balancer's members' health on its stream (transitions only) and its listeners' samples. */
  private async observeLoadBalancer(loadBalancerId: string, vmId: string): Promise<void> {
    const { nc, store, log, driver, agentLog } = this.o;
    const csv = await driver.showStat(vmId);
    if (!csv) return;
    const reading = readLoadBalancerStats(loadBalancerId, csv);
    for (const sample of reading.listeners) nc.publish(listenerStatsSubject(sample.listenerId), encodeListenerStatsSample(sample));
    for (const { poolId, memberId, health } of reading.members) {
      const key = `${loadBalancerId}/${poolId}/${memberId}`;
      if (this.reported.get(key) === health) continue;
      const actor = systemActor(`node-agent ${log.nodeId}`, 'system', null);
      const result = await executeSystemCommand(
        store,
        loadBalancerDecider,
        loadBalancerId,
        { type: 'RecordLbMemberHealth', data: { loadBalancerId, poolId, memberId, health, at: new Date().toISOString() } },
        actor,
      );
      if (result.events.length > 0)
        agentLog(
          'info',
          {
            correlationId: actor.correlationId,
            causationId: actor.causationId,
            loadBalancerId,
            poolId,
            memberId,
            events: result.events.map((e) => e.type),
          },
          'appended',
        );
      this.reported.set(key, health);
    }
  }
}
