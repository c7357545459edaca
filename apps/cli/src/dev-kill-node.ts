import { fabricVeth } from '@lbaas/dataplane';
import { fold, NODE_NAME, type PlacementData, serviceInstanceDecider, type ServiceInstanceState } from '@lbaas/domain';
import { connectNats, followCommits } from '@lbaas/event-log';
import { runRootFromEnv } from '@lbaas/service-shell';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** A process as /proc shows it: its arguments (or the title it set) and its starting environment. */
export interface ProcessView {
  readonly pid: number;
  readonly ppid: number;
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

export interface NodePlacement {
  readonly instanceId: string;
  readonly placement: PlacementData;
}

/** The placements the log gives `nodeId`, from the fold of every service instance. */
export function placementsOnNode(instances: Iterable<ServiceInstanceState>, nodeId: string): NodePlacement[] {
  const found: NodePlacement[] = [];
  for (const si of instances) {
    if (si.kind !== 'live') continue;
    for (const placement of si.placements) if (placement.nodeId === nodeId) found.push({ instanceId: si.id, placement });
  }
  return found;
}

/**
 * The node agent of `nodeId` in the stack whose event log is at `natsUrl`: `make up` names it
 * by its title (`lb-<node>`), a test by its script and argument; the NATS URL it was started
 * with tells one stack's compute-node-1 from another's on the same machine.
 */
export function isNodeAgent(proc: ProcessView, nodeId: string, natsUrl: string): boolean {
  if (proc.env.LBAAS_NATS_URL !== natsUrl) return false;
  const [first] = proc.argv;
  if (first === `lb-${nodeId}`) return true;
  return proc.argv.some((arg) => arg.endsWith(join('node-agent', 'dist', 'main.js'))) && proc.argv[proc.argv.length - 1] === nodeId;
}

/** Every process under `roots`, roots first: a HAProxy master's workers, keepalived's children. */
export function withDescendants(roots: readonly number[], processes: readonly ProcessView[]): number[] {
  const found = new Set(roots);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of processes) {
      if (found.has(p.ppid) && !found.has(p.pid)) {
        found.add(p.pid);
        grew = true;
      }
    }
  }
  return [...found];
}

function nulSeparated(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\0')
    .filter((part) => part !== '');
}

function processes(): ProcessView[] {
  const views: ProcessView[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name in parentheses may hold spaces and parentheses: fields follow the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const env: Record<string, string> = {};
      for (const pair of nulSeparated(`/proc/${entry}/environ`)) {
        const eq = pair.indexOf('=');
        if (eq > 0) env[pair.slice(0, eq)] = pair.slice(eq + 1);
      }
      views.push({ pid: Number(entry), ppid, argv: nulSeparated(`/proc/${entry}/cmdline`), env });
    } catch {
      // Gone since the listing, or another user's: neither can be this stack's.
    }
  }
  return views;
}

function kill(pids: readonly number[]): number[] {
  return pids.filter((pid) => {
    try {
      process.kill(pid, 'SIGKILL');
      return true;
    } catch {
      return false;
    }
  });
}

async function foldInstances(natsUrl: string): Promise<Map<string, ServiceInstanceState>> {
  const nc = await connectNats('lbaas-dev-kill-node', natsUrl);
  const instances = new Map<string, ServiceInstanceState>();
  try {
    const follower = await followCommits({
      nc,
      onCommit: ({ commit }) => {
        for (const event of commit.events) {
          if (event.aggregate !== 'serviceinstance') continue;
          instances.set(event.aggregateId, fold(serviceInstanceDecider, [event], instances.get(event.aggregateId)));
        }
      },
    });
    await follower.caughtUp;
    await follower.stop();
  } finally {
    await nc.drain().catch(() => undefined);
  }
  return instances;
}

async function namespaceExists(name: string): Promise<boolean> {
  const { stdout } = await exec('ip', ['netns', 'list']);
  return stdout.split('\n').some((line) => line.split(' ')[0] === name);
}

/** The pids in a placement's run directory (`haproxy.pid`, `keepalived.pid`) that still run. */
function pidFiles(dir: string): number[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.pid'));
  } catch {
    return [];
  }
  return names.map((name) => Number(readFileSync(join(dir, name), 'utf8').trim())).filter((pid) => Number.isInteger(pid) && pid > 0);
}

/**
 * `lbaas dev kill-node <node>`: the node dies as the rest of the system would see a power cut.
 * Its agent gets SIGKILL; each of its placements first loses its link to the fabric (so its
 * keepalived cannot send the farewell advert a killed process may still get out), then every
 * process of the placement gets SIGKILL. The scheduler declares the node lost after its silence
 * (LBAAS_NODE_SILENCE_MS) and re-protects the instances; starting the agent again (`make up`)
 * removes what the log no longer gives the node.
 */
export async function runDevKillNode(args: string[], natsUrl: string): Promise<number> {
  const nodeId = args[0] ?? '';
  if (args.length !== 1 || !NODE_NAME.test(nodeId)) {
    console.error('usage: lbaas dev kill-node <node name>   (for example compute-node-2)');
    return 2;
  }
  const instances = await foldInstances(natsUrl);
  const placements = placementsOnNode(instances.values(), nodeId);
  const all = processes();
  const agents = all.filter((p) => isNodeAgent(p, nodeId, natsUrl));
  if (agents.length === 0 && placements.length === 0) {
    console.error(`lbaas dev kill-node: no agent of ${nodeId} runs against ${natsUrl}, and the log gives it no placement`);
    return 1;
  }
  // The agent's own settings say where its placements live; without it, this shell's or the defaults.
  const settings = agents[0]?.env ?? process.env;
  const prefix = settings.LBAAS_NS_PREFIX?.trim() || 'lb-';
  const runRoot = runRootFromEnv(settings);
  const killedAgents = kill(agents.map((a) => a.pid));
  console.log(`${nodeId}: agent ${killedAgents.length ? `pid ${killedAgents.join(', ')} killed` : 'not running'}`);
  for (const { instanceId, placement } of placements) {
    const namespace = `${prefix}${placement.vmId}`;
    const inNamespace = await namespaceExists(namespace);
    if (inNamespace) await exec('ip', ['-n', `${prefix}fabric`, 'link', 'set', fabricVeth(placement.vmId), 'down']).catch(() => undefined);
    const roots = inNamespace
      ? (await exec('ip', ['netns', 'pids', namespace])).stdout
          .split('\n')
          .filter((l) => l.trim() !== '')
          .map(Number)
      : pidFiles(join(runRoot, placement.vmId));
    const killed = kill(withDescendants(roots, processes()));
    console.log(
      `  ${placement.role.padEnd(7)} ${placement.vmId} of instance ${instanceId}: ${inNamespace ? 'link down, ' : ''}${killed.length} process(es) killed`,
    );
  }
  console.log(`the scheduler declares ${nodeId} lost after its silence (LBAAS_NODE_SILENCE_MS); \`make up\` starts its agent again`);
  return 0;
}
