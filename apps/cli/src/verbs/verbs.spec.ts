import { CommandError, UsageError } from '../cli-errors';
import { parseCommandLine } from '../command-line';
import { GLOBAL_OPTIONS } from '../help';
import { resolveId } from '../name-resolution';
import { NeutronClient } from '../neutron-client';
import { Output } from '../output';
import type { WaitClock } from '../wait-for-status';
import { findVerb } from './catalogue';
import type { Verb, VerbContext } from './verb';

interface SentRequest {
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
}
type Answer = { status: number; body?: unknown };

/** A verb run against an API that answers from `route`: what it sent, what it printed, its exit status. */
async function runAgainst(verb: Verb, argv: string[], route: (request: SentRequest) => Answer): Promise<{
  status: number; requests: SentRequest[]; stdout: string; stderr: string;
}> {
  const requests: SentRequest[] = [];
  const fetchImpl = (async (url: string | URL | Request, init?: RequestInit) => {
    const { pathname, search } = new URL(String(url));
    const request: SentRequest = { method: init?.method ?? 'GET', path: `${pathname}${decodeURIComponent(search)}`, body: init?.body ? JSON.parse(String(init.body)) : undefined };
    requests.push(request);
    const answer = route(request);
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), { status: answer.status });
  }) as typeof fetch;
  const api = new NeutronClient('http://127.0.0.1:9696', 'tok', fetchImpl);
  let stdout = '';
  let stderr = '';
  let now = 0;
  const clock: WaitClock = { now: () => now, sleep: async (ms) => void (now += ms) };
  const args = parseCommandLine(argv, { ...GLOBAL_OPTIONS, ...verb.options }, verb.positionals);
  const ctx: VerbContext = {
    api,
    out: new Output('json', [], (t) => void (stdout += t), (t) => void (stderr += t)),
    resolve: (kind, nameOrId) => resolveId((k, field, value) => api.list(k, [[field, value], ['fields', 'id']]), kind, nameOrId),
    clock,
    stderrIsTerminal: false,
  };
  const status = await verb.run(ctx, args);
  return { status, requests, stdout, stderr };
}

const NET = '11111111-1111-4111-8111-111111111111';
const SUB = '22222222-2222-4222-8222-222222222222';
const POOL_ID = '33333333-3333-4333-8333-333333333333';
const HM = '44444444-4444-4444-8444-444444444444';
const FIP = '55555555-5555-4555-8555-555555555555';

function verb(name: string): Verb {
  const found = findVerb(name);
  if (!found) throw new Error(`no verb ${name}`);
  return found;
}

/** Names resolve to the ids above; a POST or PUT answers its body back with an id and a status. */
function api(extra: (request: SentRequest) => Answer | undefined = () => undefined) {
  const ids: Record<string, string> = { vipnet: NET, vipsubnet: SUB, mypool: POOL_ID };
  return (request: SentRequest): Answer => {
    const answered = extra(request);
    if (answered) return answered;
    const byName = /^\/v2\.0\/(?:lb\/)?(\w+)\?name=([^&]+)&fields=id$/.exec(request.path);
    if (byName) return { status: 200, body: { [byName[1]]: ids[byName[2]] ? [{ id: ids[byName[2]] }] : [] } };
    const byId = /^\/v2\.0\/(?:lb\/)?(\w+)\?id=([^&]+)&fields=id$/.exec(request.path);
    if (byId) return { status: 200, body: { [byId[1]]: [{ id: byId[2] }] } };
    if (request.method === 'POST' || request.method === 'PUT') {
      const [key, fields] = Object.entries(request.body as Record<string, object>)[0];
      return { status: request.method === 'POST' ? 201 : 200, body: { [key]: { id: POOL_ID, status: 'PENDING_CREATE', ...fields } } };
    }
    if (request.method === 'DELETE') return { status: 204 };
    return { status: 404, body: { NeutronError: { type: 'HTTPNotFound', message: `no route ${request.path}`, detail: '' } } };
  };
}

describe('subnet-create', () => {
  it('takes the first /24 of 198.18.0.0/15 no visible subnet uses when no CIDR is given, and says so', async () => {
    const run = await runAgainst(verb('subnet-create'), ['\u2013-name', 'vipsubnet', 'vipnet'], api((r) =>
      r.path === '/v2.0/subnets?fields=cidr' ? { status: 200, body: { subnets: [{ cidr: '198.18.0.0/24' }, { cidr: '198.19.0.0/24' }] } } : undefined));
    expect(run.requests.at(-1)).toEqual({
      method: 'POST', path: '/v2.0/subnets', body: { subnet: { name: 'vipsubnet', network_id: NET, cidr: '198.18.1.0/24', ip_version: 4 } },
    });
    expect(run.stderr).toBe('No CIDR given: using 198.18.1.0/24, the first /24 of 198.18.0.0/15 that no subnet you can see uses.\n');
    expect(run.status).toBe(0);
  });

  it('sends a given CIDR and the shape options as they are', async () => {
    const run = await runAgainst(verb('subnet-create'), [
      'vipnet', '198.18.1.0/24', '--no-gateway', '--disable-dhcp', '--allocation-pool', 'start=198.18.1.10,end=198.18.1.20',
      '--dns-nameserver', '198.18.0.53', '--host-route', 'destination=198.18.8.0/24,nexthop=198.18.1.254',
    ], api());
    expect(run.requests.map((r) => r.path)).toEqual([`/v2.0/networks?name=vipnet&fields=id`, '/v2.0/subnets']);
    expect(run.requests[1].body).toEqual({
      subnet: {
        network_id: NET, cidr: '198.18.1.0/24', ip_version: 4, gateway_ip: null, enable_dhcp: false,
        allocation_pools: [{ start: '198.18.1.10', end: '198.18.1.20' }], dns_nameservers: ['198.18.0.53'],
        host_routes: [{ destination: '198.18.8.0/24', nexthop: '198.18.1.254' }],
      },
    });
  });
});

describe('lb-vip-create', () => {
  it('resolves the subnet and pool names and sends the VIP', async () => {
    const run = await runAgainst(verb('lb-vip-create'), [
      '--name', 'myvip', '--protocol-port', '80', '--protocol', 'http', '--subnet-id', 'vipsubnet', 'mypool',
      '--session-persistence', 'type=APP_COOKIE,cookie_name=sid', '--connection-limit', '-1', '--admin-state-down',
    ], api());
    expect(run.requests.at(-1)?.body).toEqual({
      vip: {
        name: 'myvip', protocol_port: 80, protocol: 'HTTP', subnet_id: SUB, pool_id: POOL_ID, connection_limit: -1,
        session_persistence: { type: 'APP_COOKIE', cookie_name: 'sid' }, admin_state_up: false,
      },
    });
    expect(JSON.parse(run.stdout)).toMatchObject({ name: 'myvip', status: 'PENDING_CREATE' });
  });
});

describe('--wait', () => {
  const poolCreate = ['--lb-method', 'ROUND_ROBIN', '--name', 'mypool', '--protocol', 'HTTP', '--subnet-id', 'vipsubnet', '--wait'];

  it('reads the pool until its status settles, and prints the settled pool', async () => {
    let reads = 0;
    const run = await runAgainst(verb('lb-pool-create'), poolCreate, api((r) =>
      r.method === 'GET' && r.path === `/v2.0/lb/pools/${POOL_ID}`
        ? { status: 200, body: { pool: { id: POOL_ID, status: ++reads < 3 ? 'PENDING_CREATE' : 'ACTIVE' } } }
        : undefined));
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ id: POOL_ID, status: 'ACTIVE' });
    expect(run.stderr).toBe([
      `Waiting for pool ${POOL_ID}: PENDING_CREATE after 0.0 s (timeout 60 s)`,
      `Waiting for pool ${POOL_ID}: ACTIVE after 0.8 s (timeout 60 s)`,
      '',
    ].join('\n'));
  });

  it('gives up after --timeout with exit status 1, still printing the pool', async () => {
    const run = await runAgainst(verb('lb-pool-create'), [...poolCreate, '--timeout', '2'], api((r) =>
      r.method === 'GET' && r.path === `/v2.0/lb/pools/${POOL_ID}` ? { status: 200, body: { pool: { id: POOL_ID, status: 'PENDING_CREATE' } } } : undefined));
    expect(run.status).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual({ id: POOL_ID, status: 'PENDING_CREATE' });
    expect(run.stderr).toContain(`Timed out after 2 s waiting for pool ${POOL_ID} to become ACTIVE or ERROR: its status is still PENDING_CREATE.`);
  });

  it('ends with exit status 1 and the reason when the VIP goes to ERROR', async () => {
    const run = await runAgainst(verb('lb-vip-update'), ['mypool', '--name', 'v', '--wait'], api((r) =>
      r.method === 'GET' && r.path.startsWith('/v2.0/lb/vips/') && !r.path.includes('?')
        ? { status: 200, body: { vip: { id: POOL_ID, status: 'ERROR', status_description: 'no node' } } }
        : r.path.startsWith('/v2.0/lb/vips?name=') ? { status: 200, body: { vips: [{ id: POOL_ID }] } } : undefined));
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`vip ${POOL_ID} is in ERROR: no node.`);
  });
});

describe('updates, deletes and associations', () => {
  it('refuses an update without new values before asking the API anything', async () => {
    await expect(runAgainst(verb('lb-pool-update'), ['mypool'], api())).rejects.toEqual(new CommandError('Must specify new values to update pool'));
  });

  it('sends only the fields given', async () => {
    const run = await runAgainst(verb('lb-member-update'), [HM, '--weight', '3', '--admin-state-up', 'False'], api());
    expect(run.requests.at(-1)).toEqual({ method: 'PUT', path: `/v2.0/lb/members/${HM}`, body: { member: { weight: 3, admin_state_up: false } } });
  });

  it('deletes by name and says what it deleted', async () => {
    const run = await runAgainst(verb('lb-pool-delete'), ['mypool'], api());
    expect(run.requests.at(-1)).toEqual({ method: 'DELETE', path: `/v2.0/lb/pools/${POOL_ID}`, body: undefined });
    expect(run.stdout).toBe('Deleted pool: mypool\n');
  });

  it('associates and disassociates a health monitor through the pool', async () => {
    const associate = await runAgainst(verb('lb-healthmonitor-associate'), [HM, 'mypool'], api((r) =>
      r.method === 'POST' ? { status: 201, body: { health_monitor: {} } } : undefined));
    expect(associate.requests.at(-1)).toEqual({ method: 'POST', path: `/v2.0/lb/pools/${POOL_ID}/health_monitors`, body: { health_monitor: { id: HM } } });
    expect(associate.stdout).toBe(`Associated health monitor ${HM}\n`);
    const disassociate = await runAgainst(verb('lb-healthmonitor-disassociate'), [HM, 'mypool'], api());
    expect(disassociate.requests.at(-1)).toEqual({ method: 'DELETE', path: `/v2.0/lb/pools/${POOL_ID}/health_monitors/${HM}`, body: undefined });
  });

  it('disassociates a floating IP by clearing its port', async () => {
    const run = await runAgainst(verb('floatingip-disassociate'), [FIP], api());
    expect(run.requests.at(-1)).toEqual({ method: 'PUT', path: `/v2.0/floatingips/${FIP}`, body: { floatingip: { port_id: null } } });
  });

  it('does not look up subnets for net-list in JSON, where the ids stay raw', async () => {
    const run = await runAgainst(verb('net-list'), [], api((r) =>
      r.path === '/v2.0/networks' ? { status: 200, body: { networks: [{ id: NET, name: 'vipnet', subnets: [SUB] }] } } : undefined));
    expect(run.requests.map((r) => r.path)).toEqual(['/v2.0/networks']);
    expect(JSON.parse(run.stdout)).toEqual([{ id: NET, name: 'vipnet', subnets: [SUB] }]);
  });
});

describe('--timeout', () => {
  it('is refused without --wait, before anything is sent', async () => {
    await expect(runAgainst(verb('lb-pool-update'), ['mypool', '--name', 'x', '--timeout', '5'], () => {
      throw new Error('nothing may be sent');
    })).rejects.toEqual(new UsageError('argument --timeout: goes with --wait'));
  });

  it('is checked before the pool is created', async () => {
    await expect(runAgainst(verb('lb-pool-create'), ['--lb-method', 'ROUND_ROBIN', '--name', 'p', '--protocol', 'HTTP', '--subnet-id', SUB, '--wait', '--timeout', '0'], (r) => {
      if (r.method === 'POST') throw new Error('nothing may be created');
      return api()(r);
    })).rejects.toBeInstanceOf(UsageError);
  });
});

describe('lb-healthmonitor-create', () => {
  it("sends --timeout as the monitor's own timeout, not a wait", async () => {
    const run = await runAgainst(verb('lb-healthmonitor-create'), ['--delay', '20', '--timeout', '10', '--max-retries', '3', '--type', 'http'], api());
    expect(run.requests).toEqual([{
      method: 'POST', path: '/v2.0/lb/health_monitors', body: { health_monitor: { type: 'HTTP', delay: 20, timeout: 10, max_retries: 3 } },
    }]);
    expect(run.status).toBe(0);
  });
});
