import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PlacementRole } from '@lbaas/domain';
import {
  baseHaproxyInput,
  baseKeepalivedInput,
  type HaproxyInput,
  memberOf,
  renderPlacement,
  runtimeChanges,
  withMembers,
  withVip,
} from '@lbaas/haproxy';
import { processesWithArgument, waitFor } from './daemons';
import { networkOf, type PlacementSpec } from './placement-driver';
import { ProcessDriver } from './process-driver';

/** This run's own corner of the fabric, so parallel runs never share a loopback address. */
const NET = 100 + (process.pid % 100);
const VIP = `198.18.${NET}.10`;
const MEMBERS = [`198.18.${NET}.11`, `198.18.${NET}.12`];
const FLOATING = `198.19.${NET}.7`;
const VRRP = `198.19.${NET}.201`;
/** Not 10000: fetch, like browsers, refuses port 10080. */
const OFFSET = 20000;
const ROOT = process.getuid?.() === 0;

const runRoot = mkdtempSync(join(tmpdir(), 'lbp-driver-'));
const instanceId = randomUUID();
const vmId = randomUUID();

const specOf = (role: PlacementRole, weights: readonly number[] = [1, 1], floatingAddresses: readonly string[] = []): PlacementSpec => {
  const haproxy: HaproxyInput = {
    ...withMembers(() => MEMBERS.map((address, i) => memberOf(41 + i, address, { protocolPort: 80, weight: weights[i] })))(
      withVip({ address: VIP, protocolPort: 80 })(baseHaproxyInput()),
    ),
    instanceId,
    runDir: join(runRoot, vmId),
  };
  const r = renderPlacement(haproxy, {
    ...baseKeepalivedInput(),
    instanceId,
    vmId,
    role,
    runDir: join(runRoot, vmId),
    vrrpAddress: VRRP,
    vip: { address: VIP, prefixLength: 24 },
  });
  return {
    instanceId,
    vmId,
    role,
    vrrpAddress: VRRP,
    haproxy: r.haproxy,
    keepalived: r.keepalived,
    bundle: r.bundle,
    floatingAddresses,
    tlsFiles: [],
  };
};
const get = async (address: string): Promise<string | null> => {
  try {
    const response = await fetch(`http://${address}:${80 + OFFSET}/`, { signal: AbortSignal.timeout(2000) });
    return response.ok ? (await response.text()).trim() : null;
  } catch {
    return null;
  }
};
const pidFile = join(runRoot, vmId, 'haproxy.pid');
const master = (): string => readFileSync(pidFile, 'utf8').trim();
const workers = (): number[] =>
  processesWithArgument(join(runRoot, vmId, 'haproxy.cfg'))
    .filter((pid) => String(pid) !== master())
    .sort();
const frontendStatus = async (driver: ProcessDriver): Promise<string | undefined> =>
  (await driver.showStat(vmId))
    ?.split('\n')
    .find((l) => l.startsWith(`${baseHaproxyInput().frontends[0].id},FRONTEND,`))
    ?.split(',')[17];

describe('ProcessDriver against a real HAProxy (no root needed)', () => {
  const backends: Server[] = [];
  let driver = new ProcessDriver({ runRoot, portOffset: OFFSET, root: ROOT });

  beforeAll(async () => {
    for (const [i, address] of MEMBERS.map((m) => m.replace('198.', '127.')).entries()) {
      const server = createServer((_q, r) => r.end(`be-${i + 1}\n`));
      await new Promise<void>((resolve) => server.listen(80 + OFFSET, address, resolve));
      backends.push(server);
    }
  });

  afterAll(async () => {
    await driver.remove(vmId).catch(() => undefined);
    for (const pid of processesWithArgument(join(runRoot, vmId, 'haproxy.cfg'))) process.kill(pid, 'SIGKILL');
    await Promise.all(backends.map((s) => new Promise((resolve) => s.close(resolve))));
    rmSync(runRoot, { recursive: true, force: true });
  });

  it('runs the standby with its frontend stopped: nothing listens on the VIP', async () => {
    await driver.plumb(networkOf(specOf('standby')));
    await driver.startHaproxy(specOf('standby'));
    expect((await driver.observe()).placements.map((p) => p.vmId)).toEqual([vmId]);
    // A disabled proxy is not even in show stat.
    expect(await frontendStatus(driver)).toBeUndefined();
    expect(await get(VIP.replace('198.', '127.'))).toBeNull();
    expect(readFileSync(join(runRoot, vmId, 'haproxy.cfg'), 'utf8')).toMatch(/^# loopback data plane of the process driver: role standby/);
  });

  it('promotes it by a reload of the same master: the VIP answers from both members in turn', async () => {
    const before = master();
    await driver.reloadHaproxy(specOf('active'));
    expect(master()).toBe(before);
    expect(await frontendStatus(driver)).toBe('OPEN');
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await get(VIP.replace('198.', '127.')));
    expect(answers.sort()).toEqual(['be-1', 'be-1', 'be-2', 'be-2']);
  });

  it('records what it runs, and a new driver (an agent restart) finds the same: nothing for the agent to do', async () => {
    const spec = specOf('active');
    const seen = {
      vmId,
      network: { kind: 'shared' },
      keepalived: null,
      tlsFiles: [],
      haproxy: { running: true, record: { facts: spec.bundle.haproxy, variant: driver.haproxyVariant('active', []), tlsFiles: [] } },
    };
    expect((await driver.observe()).placements).toEqual([seen]);
    driver = new ProcessDriver({ runRoot, portOffset: OFFSET, root: ROOT });
    expect((await driver.observe([vmId])).placements).toEqual([seen]);
    expect(driver.haproxyVariant('standby', [FLOATING])).not.toBe(driver.haproxyVariant('active', []));
  });

  it('changes a weight through the runtime API, without a reload', async () => {
    const serving = workers();
    const commands = runtimeChanges(specOf('active').bundle.haproxy, specOf('active', [3, 1]).bundle.haproxy) ?? [];
    expect(await driver.updateServers(specOf('active', [3, 1]), commands)).toBe(true);
    expect(workers()).toEqual(serving);
    expect((await driver.observe()).placements[0].haproxy.record?.facts.hash).toBe(specOf('active', [3, 1]).haproxy.hash);
    const seen = new Map<string, number>();
    for (let i = 0; i < 8; i++) {
      const who = (await get(VIP.replace('198.', '127.'))) ?? 'failed';
      seen.set(who, (seen.get(who) ?? 0) + 1);
    }
    expect(Object.fromEntries(seen)).toEqual({ 'be-1': 6, 'be-2': 2 });
  });

  it("listens on a floating IP's loopback address while it forwards, and stops when it no longer does", async () => {
    const floatingIpId = randomUUID();
    await driver.ensureFloatingIp(floatingIpId, FLOATING, VIP);
    await driver.reloadHaproxy(specOf('active', [3, 1], [FLOATING]));
    expect((await driver.observe()).floatingIps).toEqual([{ id: floatingIpId, floatingAddress: FLOATING, vipAddress: VIP }]);
    expect(await get(FLOATING.replace('198.', '127.'))).toMatch(/^be-/);
    await driver.removeFloatingIp(floatingIpId);
    await driver.reloadHaproxy(specOf('active', [3, 1]));
    expect((await driver.observe()).floatingIps).toEqual([]);
    expect(await get(FLOATING.replace('198.', '127.'))).toBeNull();
    expect(await get(VIP.replace('198.', '127.'))).toMatch(/^be-/);
  });

  it('refuses a floating address outside the fabric', async () => {
    await expect(driver.ensureFloatingIp(randomUUID(), '203.0.113.9', VIP)).rejects.toThrow(/outside the fabric/);
    await expect(driver.reloadHaproxy(specOf('active', [3, 1], ['203.0.113.9']))).rejects.toThrow(/outside the fabric/);
  });

  it('starts HAProxy again when it died, and removes every process and file of the placement', async () => {
    const dead = Number(master());
    process.kill(-dead, 'SIGKILL');
    // Gone, or a zombie nobody reaps: either way its command line is empty.
    await waitFor(
      'the killed master gone',
      () => !existsSync(`/proc/${dead}/cmdline`) || readFileSync(`/proc/${dead}/cmdline`, 'utf8') === '',
      5000,
    );
    expect((await driver.observe()).placements[0].haproxy.running).toBe(false);
    await driver.startHaproxy(specOf('active'));
    expect(await get(VIP.replace('198.', '127.'))).toMatch(/^be-/);
    await driver.remove(vmId);
    expect(processesWithArgument(join(runRoot, vmId, 'haproxy.cfg'))).toEqual([]);
    expect(existsSync(join(runRoot, vmId))).toBe(false);
    expect((await driver.observe()).placements).toEqual([]);
    await driver.remove(vmId);
  });
});
