import { apiConfigFromEnv } from './config';

describe('apiConfigFromEnv', () => {
  it("defaults to Neutron's port on loopback and a local NATS", () => {
    expect(apiConfigFromEnv({})).toEqual({
      host: '127.0.0.1',
      port: 9696,
      octaviaPort: 9876,
      natsUrl: 'nats://127.0.0.1:4222',
      logLevel: 'info',
      noAuthTenant: null,
      certificateKeyFile: '/etc/lbaas/certificate.key',
      quotaDefaults: { loadbalancer: -1, listener: -1, pool: -1, member: -1, healthmonitor: -1, l7policy: -1, l7rule: -1 },
      quotaReclaimGraceMs: 60_000,
    });
  });

  it('reads every setting from the environment', () => {
    const config = apiConfigFromEnv({
      LBAAS_API_HOST: '127.0.0.2',
      LBAAS_API_PORT: '19696',
      LBAAS_OCTAVIA_PORT: '19876',
      LBAAS_NATS_URL: 'nats://127.0.0.1:14222',
      LBAAS_LOG_LEVEL: 'debug',
      LBAAS_NOAUTH: '1',
      LBAAS_NOAUTH_TENANT: 'dev',
      LBAAS_CERTIFICATE_KEY_FILE: '/tmp/certificate.key',
      LBAAS_QUOTA_LOADBALANCER: '10',
      LBAAS_QUOTA_MEMBER: '0',
      LBAAS_QUOTA_RECLAIM_GRACE_MS: '1500',
    });
    expect(config).toEqual({
      host: '127.0.0.2',
      port: 19696,
      octaviaPort: 19876,
      natsUrl: 'nats://127.0.0.1:14222',
      logLevel: 'debug',
      noAuthTenant: 'dev',
      certificateKeyFile: '/tmp/certificate.key',
      quotaDefaults: { loadbalancer: 10, listener: -1, pool: -1, member: 0, healthmonitor: -1, l7policy: -1, l7rule: -1 },
      quotaReclaimGraceMs: 1500,
    });
  });

  it.each(['true', 'yes', '0', ''])('keeps authentication on unless LBAAS_NOAUTH is exactly 1 (not %p)', (value) => {
    expect(apiConfigFromEnv({ LBAAS_NOAUTH: value }).noAuthTenant).toBeNull();
  });

  it.each(['0', '65536', 'http', '80.5'])('refuses LBAAS_API_PORT=%s', (port) => {
    expect(() => apiConfigFromEnv({ LBAAS_API_PORT: port })).toThrow(/LBAAS_API_PORT/);
  });

  it.each(['0', '65536', 'http', '80.5'])('refuses LBAAS_OCTAVIA_PORT=%s', (port) => {
    expect(() => apiConfigFromEnv({ LBAAS_OCTAVIA_PORT: port })).toThrow(/LBAAS_OCTAVIA_PORT/);
  });

  it('refuses one port for both applications', () => {
    expect(() => apiConfigFromEnv({ LBAAS_API_PORT: '9876' })).toThrow(/LBAAS_OCTAVIA_PORT must differ/);
  });

  it.each(['-2', '1.5', 'many'])('refuses a default quota that is no limit (%p)', (value) => {
    expect(() => apiConfigFromEnv({ LBAAS_QUOTA_POOL: value })).toThrow('LBAAS_QUOTA_POOL must be an integer from -1 (unlimited)');
  });
});
