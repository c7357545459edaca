import { ServiceMetrics } from './service-metrics';

type Sample = { labels: Record<string, string | number>; value: number };

/** A metric's samples without the default labels, which the first test checks on the text itself. */
const samplesOf = async (metrics: ServiceMetrics, name: string): Promise<Sample[]> => {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  if (!metric) throw new Error(`${name} is not registered`);
  return (metric as unknown as { values: Sample[] }).values.map(({ labels: { service: _service, node: _node, ...labels }, value }) => ({
    labels,
    value,
  }));
};

describe('ServiceMetrics', () => {
  it('counts appended events by type, labelled with the service and any extra label', async () => {
    const metrics = new ServiceMetrics('node-agent', { node: 'compute-node-1' });
    metrics.countAppended([{ type: 'InstanceApplied' }, { type: 'VipStatusChanged' }]);
    metrics.countAppended([{ type: 'InstanceApplied' }]);
    expect(await metrics.registry.getSingleMetricAsString('lbaas_events_appended_total')).toContain(
      'lbaas_events_appended_total{type="InstanceApplied",node="compute-node-1",service="node-agent"} 2',
    );
    expect(await samplesOf(metrics, 'lbaas_events_appended_total')).toContainEqual({ labels: { type: 'VipStatusChanged' }, value: 1 });
  });

  it('counts what each consumer handled and reports its position and lag at scrape time', async () => {
    const metrics = new ServiceMetrics('scheduler');
    let position = 3;
    let last = 10;
    const consumed = metrics.trackConsumer('scheduler', { position: () => position, streamLastSeq: async () => last });
    consumed([{ type: 'VipCreated' }, { type: 'PoolVipBound' }, { type: 'VipCreated' }]);
    expect(await samplesOf(metrics, 'lbaas_events_consumed_total')).toEqual([
      { labels: { consumer: 'scheduler', type: 'VipCreated' }, value: 2 },
      { labels: { consumer: 'scheduler', type: 'PoolVipBound' }, value: 1 },
    ]);
    expect(await samplesOf(metrics, 'lbaas_consumer_lag')).toEqual([{ labels: { consumer: 'scheduler' }, value: 7 }]);
    expect(await samplesOf(metrics, 'lbaas_consumer_position')).toEqual([{ labels: { consumer: 'scheduler' }, value: 3 }]);
    position = 12;
    last = 12;
    expect(await samplesOf(metrics, 'lbaas_consumer_lag')).toEqual([{ labels: { consumer: 'scheduler' }, value: 0 }]);
  });

  it('never reports a negative lag for a position read after the last sequence', async () => {
    const metrics = new ServiceMetrics('audit');
    metrics.trackConsumer('audit', { position: () => 9, streamLastSeq: async () => 8 });
    expect(await samplesOf(metrics, 'lbaas_consumer_lag')).toEqual([{ labels: { consumer: 'audit' }, value: 0 }]);
  });

  it('drops the lag of a consumer whose stream cannot be read, and still answers the scrape', async () => {
    const metrics = new ServiceMetrics('dashboard');
    let reachable = true;
    metrics.trackConsumer('dashboard', {
      position: () => 1,
      streamLastSeq: async () => {
        if (!reachable) throw new Error('no responders');
        return 5;
      },
    });
    expect(await samplesOf(metrics, 'lbaas_consumer_lag')).toEqual([{ labels: { consumer: 'dashboard' }, value: 4 }]);
    reachable = false;
    expect(await samplesOf(metrics, 'lbaas_consumer_lag')).toEqual([]);
    expect(await samplesOf(metrics, 'lbaas_consumer_position')).toEqual([{ labels: { consumer: 'dashboard' }, value: 1 }]);
  });
});
