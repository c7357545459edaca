import { ServiceMetrics } from '@lbaas/service-shell';
import { parsePrometheusText, sampleValue } from '@lbaas/testing';
import { NodeAgentMetrics } from './node-agent-metrics';

const scrape = async (metrics: NodeAgentMetrics) => parsePrometheusText(await metrics.service.registry.metrics());

describe('NodeAgentMetrics', () => {
  it("reports each active pool's HAProxy counters, labelled by pool id and node", async () => {
    const metrics = new NodeAgentMetrics(new ServiceMetrics('node-agent', { node: 'compute-node-1' }));
    metrics.recordPoolTraffic([{ poolId: 'pool-a', bytesIn: 1200, bytesOut: 5400, activeConnections: 3, totalConnections: 41 }]);
    const samples = await scrape(metrics);
    const pool = { pool_id: 'pool-a', node: 'compute-node-1', service: 'node-agent' };
    expect(sampleValue(samples, 'lbaas_haproxy_pool_bytes_in', pool)).toBe(1200);
    expect(sampleValue(samples, 'lbaas_haproxy_pool_bytes_out', pool)).toBe(5400);
    expect(sampleValue(samples, 'lbaas_haproxy_pool_current_sessions', pool)).toBe(3);
    expect(sampleValue(samples, 'lbaas_haproxy_pool_total_sessions', pool)).toBe(41);
  });

  it('forgets a pool this node no longer serves as the active', async () => {
    const metrics = new NodeAgentMetrics(new ServiceMetrics('node-agent'));
    metrics.recordPoolTraffic([
      { poolId: 'pool-a', bytesIn: 1, bytesOut: 1, activeConnections: 0, totalConnections: 1 },
      { poolId: 'pool-b', bytesIn: 2, bytesOut: 2, activeConnections: 0, totalConnections: 2 },
    ]);
    metrics.recordPoolTraffic([{ poolId: 'pool-b', bytesIn: 7, bytesOut: 7, activeConnections: 1, totalConnections: 3 }]);
    const samples = (await scrape(metrics)).filter((s) => s.name === 'lbaas_haproxy_pool_total_sessions');
    expect(samples.map((s) => [s.labels.pool_id, s.value])).toEqual([['pool-b', 3]]);
  });

  it('counts reconcile passes by kind', async () => {
    const metrics = new NodeAgentMetrics(new ServiceMetrics('node-agent'));
    metrics.startPass('full')();
    metrics.startPass('events')();
    metrics.startPass('events')();
    const samples = await scrape(metrics);
    expect(sampleValue(samples, 'lbaas_reconcile_pass_duration_seconds_count', { pass: 'full' })).toBe(1);
    expect(sampleValue(samples, 'lbaas_reconcile_pass_duration_seconds_count', { pass: 'events' })).toBe(2);
  });
});
