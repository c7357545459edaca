import { encodeListenerStatsSample, type ListenerStatsSample, listenerStatsSubject, parseListenerStatsSample } from './listener-stats';

const SAMPLE: ListenerStatsSample = {
  listenerId: 'l1',
  loadBalancerId: 'lb1',
  bytesIn: 2 ** 40,
  bytesOut: 12,
  activeConnections: 3,
  totalConnections: 99,
  requestErrors: 1,
};
const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe('listener stats samples', () => {
  it('are published per listener under lbaas.stats.listener', () => {
    expect(listenerStatsSubject('l1')).toBe('lbaas.stats.listener.l1');
  });

  it('round-trip, keeping only the sample fields', () => {
    expect(parseListenerStatsSample(encodeListenerStatsSample(SAMPLE))).toEqual(SAMPLE);
    expect(parseListenerStatsSample(bytes({ ...SAMPLE, extra: 'x' }))).toEqual(SAMPLE);
  });

  it.each([
    ['not JSON', new TextEncoder().encode('{')],
    ['null', bytes(null)],
    ['no listener id', bytes({ ...SAMPLE, listenerId: undefined })],
    ['no load balancer id', bytes({ ...SAMPLE, loadBalancerId: 7 })],
    ['a negative counter', bytes({ ...SAMPLE, bytesIn: -1 })],
    ['a fractional counter', bytes({ ...SAMPLE, totalConnections: 1.5 })],
    ['a counter as text', bytes({ ...SAMPLE, requestErrors: '1' })],
    ['a missing counter', bytes({ ...SAMPLE, requestErrors: undefined })],
    ['a counter past 2^53', bytes({ ...SAMPLE, bytesOut: 2 ** 53 })],
  ])('are refused when %s', (_desc, data) => {
    expect(parseListenerStatsSample(data)).toBeNull();
  });
});
