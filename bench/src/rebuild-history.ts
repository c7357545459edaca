import { randomUUID } from 'node:crypto';
import {
  type AggregateType,
  type Decider,
  type EventOf,
  type Lifecycle,
  listenerWithDefaults,
  loadBalancerDecider,
  loadBalancerWithDefaults,
  memberWithDefaults,
  monitorWithDefaults,
  networkDecider,
  poolDecider,
  poolWithDefaults,
  subnetDecider,
} from '@lbaas/domain';
import { type EventStore, handleCommand } from '@lbaas/event-log';

const TENANT = 'b0000000-0000-4000-8000-00000000000b';
const NETWORK = randomUUID();
const SUBNET = randomUUID();
const CIDR = '198.18.0.0/15';
/** Member and VIP addresses by kind, so that none repeats: pools' members first, then VIPs, then v2 members. */
const VIP_ADDRESSES = 40_000;
const LB_MEMBER_ADDRESSES = 60_000;

/**
 * Writes a history through the real deciders and command handler, shaped like a deployment's:
 * v1 pools with three members (some reweighted, removed or deleted) and, for every third pool, an
 * Octavia load balancer created in one call that the data plane then reports on.
 */
export class RebuildHistory {
  commits = 0;

  constructor(private readonly store: EventStore) {}

  /** At most 13,000 pools, so that every address stays inside the benchmark range. */
  async write(pools: number, workers: number, signal: AbortSignal): Promise<void> {
    await this.prepareNetwork();
    let next = 0;
    await Promise.all(
      Array.from({ length: workers }, async () => {
        while (next < pools && !signal.aborted) await this.pool(next++);
      }),
    );
  }

  /**
   * Many small aggregates instead: each pool is created and gets one member, two events, so
   * 100,000 pools make a log of 200,000 events over as many aggregates. A member's address need
   * only be unique in its pool, so any number of pools stays inside the benchmark range.
   */
  async writeWide(pools: number): Promise<void> {
    await this.prepareNetwork();
    for (let n = 0; n < pools; n++) {
      const poolId = randomUUID();
      await this.run(poolDecider, poolId, { type: 'CreatePool', data: poolData(poolId, n) });
      await this.run(poolDecider, poolId, {
        type: 'AddMember',
        data: {
          poolId,
          memberId: randomUUID(),
          tenantId: TENANT,
          address: memberAddress(n % VIP_ADDRESSES),
          protocolPort: 80,
          weight: 1,
          adminStateUp: true,
        },
      });
    }
  }

  private async prepareNetwork(): Promise<void> {
    const network = { networkId: NETWORK, tenantId: TENANT, name: 'rebuild-net', adminStateUp: true, shared: false, external: false };
    await this.run(networkDecider, NETWORK, { type: 'CreateNetwork', data: network });
    await this.run(subnetDecider, SUBNET, {
      type: 'CreateSubnet',
      data: { subnetId: SUBNET, tenantId: TENANT, networkId: NETWORK, cidr: CIDR },
    });
    await this.run(networkDecider, NETWORK, { type: 'AttachSubnet', data: { networkId: NETWORK, subnetId: SUBNET, cidr: CIDR } });
  }

  private async pool(n: number): Promise<void> {
    const poolId = randomUUID();
    await this.run(poolDecider, poolId, { type: 'CreatePool', data: poolData(poolId, n) });
    const members = [randomUUID(), randomUUID(), randomUUID()];
    for (const [i, memberId] of members.entries()) {
      const address = memberAddress(n * members.length + i);
      await this.run(poolDecider, poolId, {
        type: 'AddMember',
        data: { poolId, memberId, tenantId: TENANT, address, protocolPort: 80, weight: 1, adminStateUp: true },
      });
    }
    if (n % 5 === 0) await this.run(poolDecider, poolId, { type: 'UpdateMember', data: { poolId, memberId: members[0], weight: 9 } });
    if (n % 7 === 0) await this.run(poolDecider, poolId, { type: 'RemoveMember', data: { poolId, memberId: members[1] } });
    if (n % 11 === 0) await this.run(poolDecider, poolId, { type: 'DeletePool', data: { poolId } });
    if (n % 3 === 0) await this.loadBalancer(n);
  }

  private async loadBalancer(n: number): Promise<void> {
    const [id, listenerId, poolId, monitorId] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const members = [randomUUID(), randomUUID()];
    const at = new Date(1_796_600_000_000 + n * 1000).toISOString();
    await this.run(loadBalancerDecider, id, {
      type: 'CreateLoadBalancer',
      data: {
        loadBalancer: loadBalancerWithDefaults({
          id,
          projectId: TENANT,
          name: `lb-${n}`,
          vip: { address: memberAddress(VIP_ADDRESSES + n), subnetId: SUBNET, networkId: NETWORK, portId: randomUUID(), qosPolicyId: null },
        }),
        listeners: [listenerWithDefaults({ id: listenerId, name: 'web', protocol: 'HTTP', protocolPort: 80, defaultPoolId: poolId })],
        pools: [
          {
            pool: poolWithDefaults({ id: poolId, name: 'web', protocol: 'HTTP', lbAlgorithm: 'ROUND_ROBIN' }),
            listenerId,
            members: members.map((memberId, i) =>
              memberWithDefaults({ id: memberId, address: memberAddress(LB_MEMBER_ADDRESSES + n * 2 + i), protocolPort: 80 }),
            ),
            monitor: monitorWithDefaults({ id: monitorId, type: 'HTTP', delay: 5, timeout: 3, maxRetries: 3 }),
          },
        ],
        at,
      },
    });
    await this.run(loadBalancerDecider, id, { type: 'RecordLoadBalancerApplied', data: { loadBalancerId: id, revision: 6, at } });
    await this.run(loadBalancerDecider, id, {
      type: 'RecordLbMemberHealth',
      data: { loadBalancerId: id, poolId, memberId: members[0], health: n % 2 === 0 ? 'ERROR' : 'ONLINE', at },
    });
    await this.run(loadBalancerDecider, id, {
      type: 'UpdateLbMember',
      data: { loadBalancerId: id, poolId, memberId: members[1], changes: { weight: 7 }, at },
    });
    if (n % 13 === 0)
      await this.run(loadBalancerDecider, id, { type: 'DeleteLoadBalancer', data: { loadBalancerId: id, cascade: true, at } });
  }

  private async run<C extends { readonly type: string }, S extends Lifecycle<object>, A extends AggregateType>(
    decider: Decider<C, S, EventOf<A>, A>,
    id: string,
    command: C,
  ): Promise<void> {
    await handleCommand(this.store, decider, id, command, { actor: 'bench', tenantId: TENANT, correlationId: 'bench', causationId: null });
    this.commits++;
  }
}

const poolData = (poolId: string, n: number) =>
  ({
    poolId,
    tenantId: TENANT,
    name: `pool-${n}`,
    description: '',
    subnetId: SUBNET,
    protocol: 'HTTP',
    lbMethod: 'ROUND_ROBIN',
    adminStateUp: true,
    provider: 'haproxy',
  }) as const;

/** 198.18.0.1 upwards, inside the benchmark range 198.18.0.0/15 while n < 131,071. */
export const memberAddress = (n: number): string => `198.${18 + ((n + 1) >> 16)}.${((n + 1) >> 8) & 255}.${(n + 1) & 255}`;
