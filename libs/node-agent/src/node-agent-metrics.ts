import type { PoolStatsSample } from '@lbaas/coordination';
import type { ServiceMetrics } from '@lbaas/service-shell';
import { Gauge, Histogram } from 'prom-client';

export type ReconcilePassKind = 'full' | 'events';

/** What a node agent reports beyond the shared event-log metrics: its reconcile passes and HAProxy's counters. */
export class NodeAgentMetrics {
  private readonly passes: Histogram<'pass'>;
  /** HAProxy's own counters: they restart with each reload, which Prometheus's rate() takes as a reset. */
  private readonly traffic: Readonly<Record<'bytesIn' | 'bytesOut' | 'currentSessions' | 'totalSessions', Gauge<'pool_id'>>>;

  constructor(readonly service: ServiceMetrics) {
    const registers = [service.registry];
    this.passes = new Histogram({
      name: 'lbaas_reconcile_pass_duration_seconds',
      help: 'How long a reconcile pass took: a full pass, or one for the placements events touched.',
      labelNames: ['pass'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    const gauge = (name: string, help: string): Gauge<'pool_id'> => new Gauge({ name, help, labelNames: ['pool_id'], registers });
    this.traffic = {
      bytesIn: gauge('lbaas_haproxy_pool_bytes_in', "Bytes received by a pool's backend on this node's active placement (HAProxy bin)."),
      bytesOut: gauge('lbaas_haproxy_pool_bytes_out', "Bytes sent by a pool's backend on this node's active placement (HAProxy bout)."),
      currentSessions: gauge('lbaas_haproxy_pool_current_sessions', "Sessions open on a pool's backend now (HAProxy scur)."),
      totalSessions: gauge(
        'lbaas_haproxy_pool_total_sessions',
        "Sessions a pool's backend has served since HAProxy's last reload (HAProxy stot).",
      ),
    };
  }

  /** Starts timing a pass; call the result when it ends. */
  startPass(pass: ReconcilePassKind): () => void {
    return this.passes.startTimer({ pass });
  }

  /** The counters of every pool this node serves as the active: pools no longer among them disappear. */
  recordPoolTraffic(samples: readonly PoolStatsSample[]): void {
    for (const g of Object.values(this.traffic)) g.reset();
    for (const s of samples) {
      const labels = { pool_id: s.poolId };
      this.traffic.bytesIn.set(labels, s.bytesIn);
      this.traffic.bytesOut.set(labels, s.bytesOut);
      this.traffic.currentSessions.set(labels, s.activeConnections);
      this.traffic.totalSessions.set(labels, s.totalConnections);
    }
  }
}
