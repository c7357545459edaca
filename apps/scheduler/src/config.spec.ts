import { schedulerConfigFromEnv } from './config';

describe('scheduler configuration', () => {
  it('has defaults for a local run: a 3 s silence, a random seed and VRRP addresses inside 198.18.0.0/15', () => {
    expect(schedulerConfigFromEnv({})).toMatchObject({
      nodeSilenceMs: 3000,
      seed: null,
      vrrpCidr: '198.19.192.0/18',
      healthPort: 9700,
      pendingDeadlineMs: 60_000,
      handoverDrainMs: 2000,
      quotaReclaimGraceMs: 60_000,
    });
  });

  it('takes the reclaimer grace from the environment, refusing one below 100 ms', () => {
    expect(schedulerConfigFromEnv({ LBAAS_QUOTA_RECLAIM_GRACE_MS: '1500' })).toMatchObject({ quotaReclaimGraceMs: 1500 });
    expect(() => schedulerConfigFromEnv({ LBAAS_QUOTA_RECLAIM_GRACE_MS: '10' })).toThrow(/LBAAS_QUOTA_RECLAIM_GRACE_MS/);
  });

  it('takes a seed and a silence from the environment', () => {
    expect(schedulerConfigFromEnv({ LBAAS_SCHEDULER_SEED: '42', LBAAS_NODE_SILENCE_MS: '800' })).toMatchObject({
      seed: 42,
      nodeSilenceMs: 800,
    });
  });

  it('takes the pending deadline from the environment', () => {
    expect(schedulerConfigFromEnv({ LBAAS_PENDING_DEADLINE_MS: '5000' })).toMatchObject({ pendingDeadlineMs: 5000 });
    expect(() => schedulerConfigFromEnv({ LBAAS_PENDING_DEADLINE_MS: '1m' })).toThrow(/LBAAS_PENDING_DEADLINE_MS/);
    expect(schedulerConfigFromEnv({ LBAAS_HANDOVER_DRAIN_MS: '0' })).toMatchObject({ handoverDrainMs: 0 });
  });

  it('refuses values that are not integers in range, naming the variable', () => {
    expect(() => schedulerConfigFromEnv({ LBAAS_NODE_SILENCE_MS: '3s' })).toThrow(/LBAAS_NODE_SILENCE_MS/);
    expect(() => schedulerConfigFromEnv({ LBAAS_LEASE_TTL_MS: '10' })).toThrow(/LBAAS_LEASE_TTL_MS/);
  });
});
