import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { PLACEMENT_INTERFACE } from '@lbaas/haproxy';
import { FABRIC_BRIDGE, fabricNamespace, fabricVeth, ip } from './netns-driver';

const exec = promisify(execFile);

const namespaces = async (): Promise<string[]> =>
  (await ip('netns', 'list'))
    .split('\n')
    .map((l) => l.trim().split(' ')[0])
    .filter((n) => n.length > 0);

/**
 * The local fabric of ARCHITECTURE.md section 7: a namespace `<prefix>fabric` holding the bridge
 * every placement, backend and client plugs into. Idempotent.
 */
export async function ensureFabric(prefix: string): Promise<string> {
  const ns = fabricNamespace(prefix);
  if (!(await namespaces()).includes(ns)) await ip('netns', 'add', ns);
  await ip('-n', ns, 'link', 'add', FABRIC_BRIDGE, 'type', 'bridge').catch((error: unknown) => {
    if (!/File exists/.test(String(error))) throw error;
  });
  await ip('-n', ns, 'link', 'set', FABRIC_BRIDGE, 'up');
  await ip('-n', ns, 'link', 'set', 'lo', 'up');
  return ns;
}

/** A namespace `<prefix><name>` on the fabric with `address`/15 (the whole fabric range on-link). Idempotent. */
export async function plugNamespace(prefix: string, name: string, address: string): Promise<string> {
  const ns = `${prefix}${name}`;
  const fabric = fabricNamespace(prefix);
  if (!(await namespaces()).includes(ns)) await ip('netns', 'add', ns);
  const veth = fabricVeth(ns);
  const has = await ip('-n', ns, '-o', 'addr', 'show', 'dev', PLACEMENT_INTERFACE).catch(() => null);
  if (has === null) await ip('link', 'add', veth, 'netns', fabric, 'type', 'veth', 'peer', 'name', PLACEMENT_INTERFACE, 'netns', ns);
  await ip('-n', fabric, 'link', 'set', veth, 'master', FABRIC_BRIDGE, 'up');
  if (!has?.includes(`${address}/15`)) await ip('-n', ns, 'addr', 'add', `${address}/15`, 'dev', PLACEMENT_INTERFACE);
  await ip('-n', ns, 'link', 'set', PLACEMENT_INTERFACE, 'up');
  await ip('-n', ns, 'link', 'set', 'lo', 'up');
  return ns;
}

/**
 * Removes the namespaces of the runs named `<tag><pid in hex>-` (a test file's or a bench's own
 * fabric) whose process is gone: a SIGKILLed or crashed run leaves its namespaces behind.
 */
export async function removeDeadRuns(tag: string): Promise<void> {
  const ours = new RegExp(`^(${tag}([0-9a-f]+)-)`);
  const dead = new Set<string>();
  for (const ns of await namespaces()) {
    const m = ours.exec(ns);
    if (m && !existsSync(`/proc/${parseInt(m[2], 16)}`)) dead.add(m[1]);
  }
  for (const prefix of dead) await removeNamespaces(prefix);
}

/**
 * Removes every namespace whose name starts with `prefix`, after killing what runs inside
 * (HAProxy, keepalived, backend servers): `make down` and the end of a test run.
 */
export async function removeNamespaces(prefix: string): Promise<string[]> {
  const doomed = (await namespaces()).filter((n) => n.startsWith(prefix));
  // Placements and plugs first, the fabric (and its bridge) last.
  doomed.sort((a, b) => Number(a === fabricNamespace(prefix)) - Number(b === fabricNamespace(prefix)));
  for (const ns of doomed) {
    const pids = await ip('netns', 'pids', ns).catch(() => '');
    for (const pid of pids
      .split('\n')
      .map(Number)
      .filter((n) => n > 1)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    await ip('netns', 'del', ns).catch(() => undefined);
  }
  return doomed;
}

/** Runs a command inside a namespace. */
export async function inNamespace(
  ns: string,
  command: string,
  args: string[],
  timeoutMs = 10_000,
): Promise<{ stdout: string; stderr: string }> {
  return exec('ip', ['netns', 'exec', ns, command, ...args], { timeout: timeoutMs });
}
