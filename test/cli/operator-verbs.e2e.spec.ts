import { builtService, killOnExit, type ServiceProcess, spawnService, type Stack, startStack } from '@lbaas/testing';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { NeutronApi, type Pool } from '../acceptance/neutron-api';

const CLI = join(__dirname, '..', '..', 'apps', 'cli', 'dist', 'main.js');
/** Bounds for a loaded CI machine, not expectations. */
const WITHIN_MS = 30_000;

/** Settings of the developer's shell that would point the CLI at another stack. */
const SHELL_SETTINGS = ['OS_TOKEN', 'LBAAS_TOKEN', 'LBAAS_TOKENS_FILE', 'LBAAS_API_URL', 'LBAAS_NATS_URL', 'LBAAS_NODE_SILENCE_MS'];

interface RunningCli {
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves once `pattern` appears on the stream, or rejects at the bound with what was printed. */
  waitFor(stream: 'stdout' | 'stderr', pattern: RegExp): Promise<void>;
  /** Ctrl-C, and the exit status. */
  interrupt(): Promise<number | null>;
  /** The exit status of a command that ends by itself. */
  finished(): Promise<number | null>;
}

/**
 * The operator verbs of the built `lbaas` against the built api and projections, a real
 * nats-server and two simulated compute nodes: `events tail` follows what the API appends while
 * it runs, `status` shows the nodes' heartbeats and each consumer's lag.
 */
describe('lbaas events tail and lbaas status', () => {
  let stack: Stack;
  let nodes: ServiceProcess;
  let env: Record<string, string>;
  let demo: NeutronApi;
  let subnetId: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    stack = await startStack();
    const inherited = Object.entries(process.env).filter(
      (e): e is [string, string] => e[1] !== undefined && !SHELL_SETTINGS.includes(e[0]),
    );
    env = {
      ...Object.fromEntries(inherited),
      LBAAS_API_URL: stack.apiUrl,
      LBAAS_NATS_URL: stack.nats.url,
      OS_TOKEN: stack.tokens.demo.token,
    };
    nodes = spawnService('nodes', builtService('cli'), { LBAAS_NATS_URL: stack.nats.url }, [
      'dev',
      'nodes',
      '--count',
      '2',
      '--prefix',
      'e2e-node',
      '--heartbeat-ms',
      '200',
    ]);
    demo = new NeutronApi(stack.apiUrl, stack.tokens.demo.token);
    const net = await demo.create<{ id: string }>('/v2.0/networks', 'network', { name: 'poolnet' });
    subnetId = (await demo.create<{ id: string }>('/v2.0/subnets', 'subnet', { network_id: net.id, cidr: '198.18.2.0/24', ip_version: 4 }))
      .id;
  }, 180_000);

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await nodes?.stop();
    await stack?.stop();
  }, 60_000);

  function lbaas(args: readonly string[]): RunningCli {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    killOnExit(child);
    children.push(child);
    const out = { stdout: '', stderr: '' };
    child.stdout.on('data', (chunk: Buffer) => (out.stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out.stderr += chunk.toString()));
    let closed = false;
    const exited = new Promise<number | null>((resolve) =>
      child.once('close', (code) => {
        closed = true;
        resolve(code);
      }),
    );
    return {
      stdout: () => out.stdout,
      stderr: () => out.stderr,
      waitFor: async (stream, pattern) => {
        const deadline = Date.now() + WITHIN_MS;
        while (!pattern.test(out[stream])) {
          if (closed || Date.now() > deadline) {
            throw new Error(`no ${pattern} on ${stream} of lbaas ${args.join(' ')}; stdout:\n${out.stdout}\nstderr:\n${out.stderr}`);
          }
          await new Promise((r) => setTimeout(r, 50));
        }
      },
      interrupt: () => {
        child.kill('SIGINT');
        return exited;
      },
      finished: () => exited,
    };
  }

  const createPool = (name: string) =>
    demo.create<Pool>('/v2.0/lb/pools', 'pool', { name, subnet_id: subnetId, protocol: 'HTTP', lb_method: 'ROUND_ROBIN' });
  const renamePool = async (id: string, name: string) =>
    expect((await demo.put(`/v2.0/lb/pools/${id}`, { pool: { name } })).status).toBe(200);
  const lineOf = (poolId: string, typeAndVersion: string) =>
    new RegExp(`^\\d+  \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z  pool/${poolId}  ${typeAndVersion}  \\S+  \\S+$`);

  it("events tail --aggregate POOL prints that pool's events appended while it runs, and stops on Ctrl-C", async () => {
    const watched = await createPool('watched');
    const other = await createPool('other');
    const tail = lbaas(['events', 'tail', '--aggregate', watched.id]);
    await tail.waitFor('stderr', /following LBAAS_EVENTS from sequence \d+; Ctrl-C stops/);

    await renamePool(watched.id, 'watched-renamed');
    await renamePool(other.id, 'other-renamed');
    await demo.create('/v2.0/lb/members', 'member', { pool_id: watched.id, address: '198.18.2.11', protocol_port: 80 });
    // The log is delivered in order: once the member's event is printed, the other pool's would have been too.
    await tail.waitFor('stdout', /MemberAdded v1/);

    expect(await tail.interrupt()).toBe(0);
    const lines = tail.stdout().trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(lineOf(watched.id, 'PoolUpdated v1'));
    expect(lines[1]).toMatch(lineOf(watched.id, 'MemberAdded v1'));
    const [seqUpdated, seqAdded] = lines.map((line) => Number(line.split('  ')[0]));
    expect(seqAdded).toBeGreaterThan(seqUpdated);
  });

  it("events tail --from-start --type PoolCreated -f json replays the log and prints the pool's creation as JSON", async () => {
    const pool = await createPool('replayed');
    const tail = lbaas(['events', 'tail', '--from-start', '--aggregate', pool.id, '--type', 'PoolCreated', '-f', 'json']);
    await tail.waitFor('stdout', /\n/);
    expect(await tail.interrupt()).toBe(0);
    const printed = tail
      .stdout()
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(printed).toEqual([
      expect.objectContaining({
        seq: expect.any(Number),
        type: 'PoolCreated',
        version: 1,
        aggregate: 'pool',
        aggregateId: pool.id,
        tenantId: stack.tokens.demo.tenant_id,
        data: expect.objectContaining({ poolId: pool.id, name: 'replayed', protocol: 'HTTP', lbMethod: 'ROUND_ROBIN' }),
      }),
    ]);
  });

  it('events tail refuses an event type the catalogue does not have', async () => {
    const tail = lbaas(['events', 'tail', '--type', 'PoolRenamed']);
    expect(await tail.finished()).toBe(2);
    expect(tail.stderr()).toMatch(/unknown event type 'PoolRenamed'/);
  });

  it("status lists the compute nodes by their heartbeats and the consumers' lag", async () => {
    // The nodes heartbeat every 200 ms from their start; the bound only covers a slow start of their process.
    let status = lbaas(['status']);
    const deadline = Date.now() + WITHIN_MS;
    while ((await status.finished()) !== 0 || !/^e2e-node-2 +alive/m.test(status.stdout())) {
      if (Date.now() > deadline) throw new Error(`no live nodes in lbaas status:\n${status.stdout()}\n${status.stderr()}`);
      status = lbaas(['status']);
    }
    const text = status.stdout();
    expect(text).toMatch(/^api +up$/m);
    expect(text).toMatch(/^projections +up, at sequence \d+ of \d+ \(lag \d+\)$/m);
    expect(text).toMatch(
      /^compute nodes \(heartbeats in KV lbaas_nodes\):\ne2e-node-1 +alive, last heartbeat \d+\.\d s ago \(driver fake\)\ne2e-node-2 +alive/m,
    );
    expect(text).toMatch(
      /^consumers of LBAAS_EVENTS:\nprojections +durable, delivered up to \d+ \(lag \d+: \d+ pending, \d+ unacknowledged\)$/m,
    );
    expect(text).toMatch(
      /^NATS servers \(JetStream: \d+ streams?, \d+ consumers?, .+ on disk, .+ in memory\):\n\S+ +nats:\/\/127\.0\.0\.1:\d+: up, version \d+\.\d+\.\d+, no cluster, holds LBAAS_EVENTS$/m,
    );
    expect(text).toMatch(
      /^streams, KV buckets and object stores:\nLBAAS_EVENTS +stream, \d+ messages \(sequences 1 to \d+\), .+, 1 replica$/m,
    );
    expect(text).toMatch(/^lbaas_nodes +KV, \d+ values?, .+, 1 replica$/m);
  });
});
