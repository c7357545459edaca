import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PlacementSpec, ProcessDriver, waitFor } from '@lbaas/dataplane';
import { baseHaproxyInput, baseKeepalivedInput, type HaproxyInput, memberOf, renderPlacement, withMembers, withVip } from '@lbaas/haproxy';
import type { DesiredNode } from './desired';
import { Executor } from './execute';
import { plan } from './plan';
import { summary } from './plan-fixtures';

/** This run's own corner of the fabric, apart from the driver specs' (100-199, 230-249). */
const NET = 200 + (process.pid % 30);
const VIP = `198.18.${NET}.30`;
const MEMBERS = [`198.18.${NET}.31`, `198.18.${NET}.32`];
const OFFSET = 20000;
const runRoot = mkdtempSync(join(tmpdir(), 'lbp-reconcile-'));
const [instanceId, vmId] = [randomUUID(), randomUUID()];
const memberIds = [randomUUID(), randomUUID()].sort();

const specOf = (weights: readonly number[]): PlacementSpec => {
  const runDir = join(runRoot, vmId);
  const haproxy: HaproxyInput = {
    ...withMembers(() =>
      MEMBERS.map((address, i) => ({ ...memberOf(41, address, { protocolPort: 80, weight: weights[i] }), id: memberIds[i] })),
    )(withVip({ address: VIP, protocolPort: 80 })(baseHaproxyInput())),
    instanceId,
    runDir,
  };
  const r = renderPlacement(haproxy, {
    ...baseKeepalivedInput(),
    instanceId,
    vmId,
    runDir,
    vrrpAddress: `198.19.${NET}.30`,
    vip: { address: VIP, prefixLength: 24 },
  });
  return {
    instanceId,
    vmId,
    role: 'active',
    vrrpAddress: `198.19.${NET}.30`,
    haproxy: r.haproxy,
    keepalived: r.keepalived,
    bundle: r.bundle,
    floatingAddresses: [],
    tlsFiles: [],
  };
};
const desiredOf = (driver: ProcessDriver, specs: PlacementSpec[]): DesiredNode => ({
  vrrp: false,
  whole: true,
  ours: new Set([vmId]),
  floatingIps: { forward: [], associated: new Set() },
  placements: specs.map((spec) => ({
    instanceId,
    vmId,
    role: 'active',
    run: { kind: 'run', spec, haproxyVariant: driver.haproxyVariant('active', []) },
  })),
});
const get = async (): Promise<string | null> => {
  try {
    const response = await fetch(`http://${VIP.replace('198.', '127.')}:${80 + OFFSET}/`, { signal: AbortSignal.timeout(2000) });
    return response.ok ? (await response.text()).trim() : null;
  } catch {
    return null;
  }
};
const pids = (): string => readFileSync(join(runRoot, vmId, 'haproxy.pid'), 'utf8');

/** Observe, plan, execute: one pass of the agent, without the log. */
async function pass(driver: ProcessDriver, executor: Executor, desired: DesiredNode): Promise<string[]> {
  const observed = await driver.observe();
  const steps = plan(desired, observed);
  const result = await executor.execute(desired, observed, steps);
  for (const outcome of result.outcomes.values()) if (outcome.kind !== 'converged') throw new Error(JSON.stringify(outcome));
  return steps.map(summary);
}

describe('the reconciler on the process driver (real HAProxy, no root, no NATS)', () => {
  const backends: Server[] = [];
  let driver = new ProcessDriver({ runRoot, portOffset: OFFSET, root: process.getuid?.() === 0 });
  let executor = new Executor(driver, { onRemoved: () => undefined });

  beforeAll(async () => {
    for (const [i, address] of MEMBERS.map((m) => m.replace('198.', '127.')).entries()) {
      const server = createServer((_q, r) => r.end(`be-${i + 1}\n`));
      await new Promise<void>((resolve) => server.listen(80 + OFFSET, address, resolve));
      backends.push(server);
    }
  });

  afterAll(async () => {
    await driver.remove(vmId).catch(() => undefined);
    await Promise.all(backends.map((s) => new Promise((resolve) => s.close(resolve))));
    rmSync(runRoot, { recursive: true, force: true });
  });

  it('creates the placement, and the next pass has nothing to do', async () => {
    expect(await pass(driver, executor, desiredOf(driver, [specOf([1, 1])]))).toEqual([`plumb ${vmId}`, `startHaproxy ${vmId}`]);
    expect(await get()).toMatch(/^be-/);
    expect(await pass(driver, executor, desiredOf(driver, [specOf([1, 1])]))).toEqual([]);
  });

  it('adopts the running HAProxy after an agent restart (a new driver and executor) without touching it', async () => {
    const before = pids();
    driver = new ProcessDriver({ runRoot, portOffset: OFFSET, root: process.getuid?.() === 0 });
    executor = new Executor(driver, { onRemoved: () => undefined });
    expect(await pass(driver, executor, desiredOf(driver, [specOf([1, 1])]))).toEqual([]);
    expect(pids()).toBe(before);
  });

  it('changes a weight through the runtime API: same master, and the new weight serves', async () => {
    const before = pids();
    const steps = await pass(driver, executor, desiredOf(driver, [specOf([3, 1])]));
    expect(steps).toEqual([`updateServers ${vmId}: set server ${baseHaproxyInput().backends[0].id}/${memberIds[0]} weight 3`]);
    expect(pids()).toBe(before);
    const answers = new Map<string, number>();
    for (let i = 0; i < 8; i++) {
      const who = (await get()) ?? 'failed';
      answers.set(who, (answers.get(who) ?? 0) + 1);
    }
    expect(Object.fromEntries(answers)).toEqual({ 'be-1': 6, 'be-2': 2 });
    expect(await pass(driver, executor, desiredOf(driver, [specOf([3, 1])]))).toEqual([]);
  });

  it('removes the placement the node no longer wants, beside the pass', async () => {
    expect(await pass(driver, executor, desiredOf(driver, []))).toEqual([`removePlacement ${vmId}`]);
    await executor.settle();
    expect((await driver.observe()).placements).toEqual([]);
    await waitFor('the VIP silent', async () => (await get()) === null, 5000);
  });
});
