import type { VipCreated } from '@lbaas/domain';

/** A v1 VIP's creation as the scheduling specs fold it. */
export const vipCreated = (vipId: string, poolId = `pool-${vipId}`): VipCreated => ({
  type: 'VipCreated',
  version: 1,
  data: {
    vipId,
    tenantId: 'tenant-a',
    subnetId: 'subnet',
    address: '198.18.1.10',
    portId: `port-${vipId}`,
    protocolPort: 80,
    protocol: 'HTTP',
    poolId,
    name: vipId,
    description: '',
    sessionPersistence: null,
    connectionLimit: -1,
    adminStateUp: true,
  },
});
