import { parsePrometheusText, sampleValue } from './prometheus-text';

describe('parsePrometheusText', () => {
  it('reads samples with their labels, escapes and special values', () => {
    const samples = parsePrometheusText(
      [
        '# HELP lbaas_events_appended_total Events appended.',
        '# TYPE lbaas_events_appended_total counter',
        'lbaas_events_appended_total{type="VipCreated",service="api"} 3',
        'lbaas_http_request_duration_seconds_bucket{le="+Inf",route="/v2.0/lb/pools/{id}"} 7',
        'process_start_time_seconds 1767000000',
        'odd{text="a \\"quoted\\", back\\\\slash"} NaN',
        'nodejs_eventloop_lag_mean_seconds Nan',
        '',
      ].join('\n'),
    );
    expect(samples).toEqual([
      { name: 'lbaas_events_appended_total', labels: { type: 'VipCreated', service: 'api' }, value: 3 },
      { name: 'lbaas_http_request_duration_seconds_bucket', labels: { le: '+Inf', route: '/v2.0/lb/pools/{id}' }, value: 7 },
      { name: 'process_start_time_seconds', labels: {}, value: 1767000000 },
      { name: 'odd', labels: { text: 'a "quoted", back\\slash' }, value: NaN },
      { name: 'nodejs_eventloop_lag_mean_seconds', labels: {}, value: NaN },
    ]);
  });

  it.each([
    { desc: 'a stray comment', line: '# not a help line' },
    { desc: 'a value that is not a number', line: 'x{a="b"} many' },
    { desc: 'unquoted labels', line: 'x{a=b} 1' },
    { desc: 'JSON', line: '{"status":"ok"}' },
  ])('refuses $desc', ({ line }) => {
    expect(() => parsePrometheusText(line)).toThrow(/line 1/);
  });
});

describe('sampleValue', () => {
  const samples = parsePrometheusText('a{x="1",y="2"} 5\na{x="1",y="3"} 6\n');

  it('finds the one sample whose labels include the ones asked for', () => {
    expect(sampleValue(samples, 'a', { y: '3' })).toBe(6);
    expect(sampleValue(samples, 'b')).toBeUndefined();
  });

  it('refuses to pick among several', () => {
    expect(() => sampleValue(samples, 'a', { x: '1' })).toThrow(/2 samples/);
  });
});
