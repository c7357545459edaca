import { join } from 'node:path';
import {
  type LbHealthMonitorState,
  type LbMemberState,
  type LbPoolState,
  type ListenerState,
  listenerWithDefaults,
  type LiveLoadBalancer,
  loadBalancerWithDefaults,
  memberWithDefaults,
  monitorWithDefaults,
  poolWithDefaults,
  type Provisioned,
} from '@lbaas/domain';

/* The Octavia v2 domain state the mapping specs start from (load-balancer-config.spec.ts, load-balancer-l7.spec.ts). */

export const id = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
export const FINGERPRINT = `5f3a09c2e1b47d86${'0'.repeat(48)}`;
export const GOLDEN = join(__dirname, '../../../libs/haproxy/src/golden');

export const provisioned: Provisioned = {
  provisioningStatus: 'ACTIVE',
  pendingRevision: null,
  createdAt: '2026-01-01T00:00:00',
  updatedAt: null,
};
export const listener = (n: number, change: Partial<ListenerState> = {}): ListenerState => ({
  ...provisioned,
  ...listenerWithDefaults({ id: id(n), name: `listener-${n}`, protocol: 'HTTP', protocolPort: 80 }),
  l7policies: [],
  ...change,
});
export const member = (n: number, address: string, protocolPort: number, change: Partial<LbMemberState> = {}): LbMemberState => ({
  ...provisioned,
  ...memberWithDefaults({ id: id(n), address, protocolPort }),
  health: 'NO_MONITOR',
  ...change,
});
export const pool = (n: number, change: Partial<LbPoolState> = {}): LbPoolState => ({
  ...provisioned,
  ...poolWithDefaults({ id: id(n), protocol: 'HTTP', lbAlgorithm: 'ROUND_ROBIN' }),
  members: [],
  monitor: null,
  ...change,
});
export const monitor = (change: Partial<LbHealthMonitorState> = {}): LbHealthMonitorState => ({
  ...provisioned,
  ...monitorWithDefaults({ id: id(60), type: 'HTTP', delay: 5, timeout: 3, maxRetries: 3 }),
  ...change,
});

/** The load balancer of the golden file v2-two-listeners: HTTP 80 with X-Forwarded-For and TCP 8080, a pool each. */
export const twoListeners = (change: Partial<LiveLoadBalancer> = {}): LiveLoadBalancer => ({
  kind: 'live',
  ...provisioned,
  ...loadBalancerWithDefaults({
    id: id(10),
    projectId: 'p',
    name: 'lb',
    vip: { address: '198.18.1.10', subnetId: id(11), networkId: id(12), portId: id(13), qosPolicyId: null },
  }),
  revision: 3,
  errorReason: null,
  // Out of port and id order: the file is in port order (listeners) and id order (pools).
  listeners: [
    listener(22, { protocol: 'TCP', protocolPort: 8080, defaultPoolId: id(32), insertHeaders: { 'X-Forwarded-For': 'true' } }),
    listener(21, { defaultPoolId: id(31), insertHeaders: { 'X-Forwarded-For': 'True', 'X-Forwarded-Port': 'false' } }),
  ],
  pools: [
    pool(32, {
      protocol: 'TCP',
      lbAlgorithm: 'LEAST_CONNECTIONS',
      members: [member(43, '198.18.2.12', 5432), member(44, '198.18.2.13', 5432)],
    }),
    pool(31, { members: [member(42, '198.18.2.11', 8080), member(41, '198.18.2.10', 8080)] }),
  ],
  ...change,
});
