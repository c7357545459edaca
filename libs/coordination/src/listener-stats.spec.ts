import { encodeListenerStatsSample, type ListenerStatsSample, listenerStatsSubject, parseListenerStatsSample } from './listener-stats';

const sample: ListenerStatsSample = {
  listenerId: 'listener-1',
  loadBalancerId: 'lb-1',
  bytesIn: 10,
  bytesOut: 20,
  activeConnections: 1,
  totalConnections: 3,
  requestErrors: 0,
};
const encoded = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

describe('listener stats samples', () => {
  it('are published per listener', () => {
    expect(listenerStatsSubject('listener-1')).toBe('lbaas.stats.listener.listener-1');
  });

  it('read back what was published, without fields of another shape', () => {
    expect(parseListenerStatsSample(encodeListenerStatsSample(sample))).toEqual(sample);
    expect(parseListenerStatsSample(encoded({ ...sample, poolId: 'p' }))).toEqual(sample);
  });

  it.each([
    { desc: 'not JSON', data: new TextEncoder().encode('{') },
    { desc: 'no load balancer', data: encoded({ ...sample, loadBalancerId: undefined }) },
    { desc: 'a negative counter', data: encoded({ ...sample, requestErrors: -1 }) },
    { desc: 'a fractional counter', data: encoded({ ...sample, bytesIn: 1.5 }) },
    { desc: "a pool's sample", data: encoded({ poolId: 'p', bytesIn: 1, bytesOut: 1, activeConnections: 0, totalConnections: 0 }) },
  ])('refuse $desc', ({ data }) => {
    expect(parseListenerStatsSample(data)).toBeNull();
  });
});
