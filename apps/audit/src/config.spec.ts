import { auditConfigFromEnv } from './config';

describe('auditConfigFromEnv', () => {
  it('defaults to the development layout: port 9698, the audit store in .lbaas/', () => {
    expect(auditConfigFromEnv({})).toEqual({
      natsUrl: 'nats://127.0.0.1:4222',
      healthHost: '127.0.0.1',
      healthPort: 9698,
      database: { sqlitePath: '.lbaas/audit.sqlite' },
      logLevel: 'info',
    });
  });

  it('takes the health port and the store from the environment', () => {
    expect(auditConfigFromEnv({ LBAAS_HEALTH_PORT: '19698', LBAAS_AUDIT_DB: '/tmp/a.sqlite' })).toMatchObject({
      healthPort: 19698,
      database: { sqlitePath: '/tmp/a.sqlite' },
    });
  });

  it('refuses a health port that is not one', () => {
    expect(() => auditConfigFromEnv({ LBAAS_HEALTH_PORT: 'http' })).toThrow(/LBAAS_HEALTH_PORT/);
  });
});
