import { type LbPoolTree, type ListenerConfig, type ListenerL7PolicyTree, ValidationError } from '@lbaas/domain';
import type { DefaultPoolBody, ListenerTreeBody, PoolTreeBody } from '../http/octavia-schemas';
import { l7PolicyConfig, l7RuleConfig } from './l7-configs';
import { listenerConfig, type ListenerReferences, memberConfig, monitorConfig, poolConfig, type PoolReferences } from './octavia-configs';

/** Octavia's single-call create as the `loadbalancer` aggregate takes it. */
export interface LoadBalancerTree {
  readonly listeners: ListenerConfig[];
  readonly pools: LbPoolTree[];
  readonly l7policies: ListenerL7PolicyTree[];
}

const treeInvalid = (detail: string): ValidationError => new ValidationError(`Validation failure: ${detail}`);
const unresolved = (name: string): ValidationError => treeInvalid(`Pool '${name}' was referenced but no full definition was found.`);

/** A pool given whole (a protocol or an algorithm), not only named: it joins `pools`, as Octavia moves it there. */
const isWhole = (body: DefaultPoolBody): boolean => body.protocol !== undefined || body.lb_algorithm !== undefined;

function wholePool(body: PoolTreeBody | DefaultPoolBody): PoolTreeBody {
  if (body.protocol === undefined || body.lb_algorithm === undefined) throw unresolved(body.name ?? '');
  return { ...body, protocol: body.protocol, lb_algorithm: body.lb_algorithm };
}

/**
 * Every pool (those of `pools`, then the whole default pools and the whole `redirect_pool`s of
 * the listeners' policies) with its members and monitor, every listener with its default pool
 * resolved by name, and every L7 policy with its rules and its `redirect_pool` resolved by name,
 * as Octavia's `_graph_create` does. Pools must be named and their names unique. Pure: ids come
 * from `newId`, resolved certificate references from the two lookups.
 */
export function loadBalancerTree(
  listeners: readonly ListenerTreeBody[],
  pools: readonly PoolTreeBody[],
  newId: () => string,
  referencesOf: (listener: ListenerTreeBody) => Partial<ListenerReferences>,
  poolReferencesOf: (pool: PoolTreeBody) => Partial<PoolReferences>,
): LoadBalancerTree {
  const all: PoolTreeBody[] = [...pools];
  const named = (pool: DefaultPoolBody | null | undefined): void => {
    if (pool !== undefined && pool !== null && isWhole(pool)) all.push(wholePool(pool));
  };
  for (const listener of listeners) {
    named(listener.default_pool);
    for (const policy of listener.l7policies ?? []) named(policy.redirect_pool);
  }
  const names = all.map((p) => p.name ?? '');
  if (all.length > 0 && names.some((n) => n === '')) throw treeInvalid('Pools must be named when creating a fully populated loadbalancer.');
  if (new Set(names).size !== names.length) throw treeInvalid('Pool names must be unique when creating a fully populated loadbalancer.');
  const poolIds = new Map(names.map((name) => [name, newId()]));
  const poolIdOf = (pool: DefaultPoolBody | null | undefined): string | null => {
    if (pool === undefined || pool === null) return null;
    const id = poolIds.get(pool.name);
    if (id === undefined) throw unresolved(pool.name);
    return id;
  };
  const listenerOfPool = new Map<string, string>();
  const l7policies: ListenerL7PolicyTree[] = [];
  const listenerConfigs = listeners.map((listener) => {
    const id = newId();
    const poolId = poolIdOf(listener.default_pool);
    if (poolId !== null && !listenerOfPool.has(poolId)) listenerOfPool.set(poolId, id);
    const { default_pool: _pool, l7policies: policies, ...settings } = listener;
    for (const { redirect_pool: redirectPool, rules, ...policy } of policies ?? []) {
      const l7policy = l7PolicyConfig(newId(), { ...policy, redirect_pool_id: poolIdOf(redirectPool) });
      l7policies.push({ listenerId: id, l7policy, rules: (rules ?? []).map((r) => l7RuleConfig(newId(), r)) });
    }
    return listenerConfig(id, settings, poolId, referencesOf(listener));
  });
  const poolTrees = all.map((body): LbPoolTree => {
    const id = poolIds.get(body.name ?? '') as string;
    const { members, healthmonitor, ...settings } = body;
    return {
      pool: poolConfig(id, settings, poolReferencesOf(body)),
      listenerId: listenerOfPool.get(id) ?? null,
      members: (members ?? []).map((m) => memberConfig(newId(), m)),
      monitor: healthmonitor ? monitorConfig(newId(), healthmonitor) : null,
    };
  });
  return { listeners: listenerConfigs, pools: poolTrees, l7policies };
}
