import { natsServers, streamReplicasFromEnv } from './nats-connection';

describe('natsServers', () => {
  it.each([
    { desc: 'one server', url: 'nats://127.0.0.1:4222', servers: ['nats://127.0.0.1:4222'] },
    {
      desc: 'every node of a cluster',
      url: 'nats://127.0.0.1:1,nats://127.0.0.1:2,nats://127.0.0.1:3',
      servers: ['nats://127.0.0.1:1', 'nats://127.0.0.1:2', 'nats://127.0.0.1:3'],
    },
    {
      desc: 'spaces and an empty entry from a hand-written list',
      url: ' nats://127.0.0.1:1 , ,nats://127.0.0.1:2,',
      servers: ['nats://127.0.0.1:1', 'nats://127.0.0.1:2'],
    },
  ])('$desc', ({ url, servers }) => {
    expect(natsServers(url)).toEqual(servers);
  });
});

describe('streamReplicasFromEnv', () => {
  it('is 1 when unset or empty', () => {
    expect(streamReplicasFromEnv({})).toBe(1);
    expect(streamReplicasFromEnv({ LBAAS_STREAM_REPLICAS: ' ' })).toBe(1);
  });

  it('is the number given, 1 to 5', () => {
    expect(streamReplicasFromEnv({ LBAAS_STREAM_REPLICAS: '3' })).toBe(3);
    expect(streamReplicasFromEnv({ LBAAS_STREAM_REPLICAS: '5' })).toBe(5);
  });

  it.each(['0', '6', '2.5', 'three'])('refuses %s', (value) => {
    expect(() => streamReplicasFromEnv({ LBAAS_STREAM_REPLICAS: value })).toThrow(/LBAAS_STREAM_REPLICAS must be 1 to 5/);
  });
});
