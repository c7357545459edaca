import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
async function runAgainst(
  verb: Verb,
  argv: string[],
  route: (request: SentRequest) => Answer,
): Promise<{
  status: number;
  requests: SentRequest[];
  stdout: string;
  stderr: string;
}> {
  const requests: SentRequest[] = [];
  const fetchImpl = (async (url: string | URL | Request, init?: RequestInit) => {
    const { pathname, search } = new URL(String(url));
    const request: SentRequest = {
      method: init?.method ?? 'GET',
      path: `${pathname}${decodeURIComponent(search)}`,
      body: init?.body ? JSON.parse(String(init.body)) : undefined,
    };
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
    out: new Output(
      'json',
      [],
      (t) => void (stdout += t),
      (t) => void (stderr += t),
    ),
    resolve: (kind, nameOrId) =>
      resolveId(
        (k, field, value) =>
          api.list(k, [
            [field, value],
            ['fields', 'id'],
          ]),
        kind,
        nameOrId,
      ),
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
const CERT = '66666666-6666-4666-8666-666666666666';

function verb(name: string): Verb {
  const found = findVerb(name);
  if (!found) throw new Error(`no verb ${name}`);
  return found;
}

/** Names resolve to the ids above; a POST or PUT answers its body back with an id and a status. */
function api(extra: (request: SentRequest) => Answer | undefined = () => undefined) {
  const ids: Record<string, string> = { vipnet: NET, vipsubnet: SUB, mypool: POOL_ID, www: CERT };
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
    const run = await runAgainst(
      verb('subnet-create'),
      ['\u2013-name', 'vipsubnet', 'vipnet'],
      api((r) =>
        r.path === '/v2.0/subnets?fields=cidr'
          ? { status: 200, body: { subnets: [{ cidr: '198.18.0.0/24' }, { cidr: '198.19.0.0/24' }] } }
          : undefined,
      ),
    );
    expect(run.requests.at(-1)).toEqual({
      method: 'POST',
      path: '/v2.0/subnets',
      body: { subnet: { name: 'vipsubnet', network_id: NET, cidr: '198.18.1.0/24', ip_version: 4 } },
    });
    expect(run.stderr).toBe('No CIDR given: using 198.18.1.0/24, the first /24 of 198.18.0.0/15 that no subnet you can see uses.\n');
    expect(run.status).toBe(0);
  });

  it('sends a given CIDR and the shape options as they are', async () => {
    const run = await runAgainst(
      verb('subnet-create'),
      [
        'vipnet',
        '198.18.1.0/24',
        '--no-gateway',
        '--disable-dhcp',
        '--allocation-pool',
        'start=198.18.1.10,end=198.18.1.20',
        '--dns-nameserver',
        '198.18.0.53',
        '--host-route',
        'destination=198.18.8.0/24,nexthop=198.18.1.254',
      ],
      api(),
    );
    expect(run.requests.map((r) => r.path)).toEqual([`/v2.0/networks?name=vipnet&fields=id`, '/v2.0/subnets']);
    expect(run.requests[1].body).toEqual({
      subnet: {
        network_id: NET,
        cidr: '198.18.1.0/24',
        ip_version: 4,
        gateway_ip: null,
        enable_dhcp: false,
        allocation_pools: [{ start: '198.18.1.10', end: '198.18.1.20' }],
        dns_nameservers: ['198.18.0.53'],
        host_routes: [{ destination: '198.18.8.0/24', nexthop: '198.18.1.254' }],
      },
    });
  });
});

describe('lb-vip-create', () => {
  it('resolves the subnet and pool names and sends the VIP', async () => {
    const run = await runAgainst(
      verb('lb-vip-create'),
      [
        '--name',
        'myvip',
        '--protocol-port',
        '80',
        '--protocol',
        'http',
        '--subnet-id',
        'vipsubnet',
        'mypool',
        '--session-persistence',
        'type=APP_COOKIE,cookie_name=sid',
        '--connection-limit',
        '-1',
        '--admin-state-down',
      ],
      api(),
    );
    expect(run.requests.at(-1)?.body).toEqual({
      vip: {
        name: 'myvip',
        protocol_port: 80,
        protocol: 'HTTP',
        subnet_id: SUB,
        pool_id: POOL_ID,
        connection_limit: -1,
        session_persistence: { type: 'APP_COOKIE', cookie_name: 'sid' },
        admin_state_up: false,
      },
    });
    expect(JSON.parse(run.stdout)).toMatchObject({ name: 'myvip', status: 'PENDING_CREATE' });
  });
});

describe('--wait', () => {
  const poolCreate = ['--lb-method', 'ROUND_ROBIN', '--name', 'mypool', '--protocol', 'HTTP', '--subnet-id', 'vipsubnet', '--wait'];

  it('reads the pool until its status settles, and prints the settled pool', async () => {
    let reads = 0;
    const run = await runAgainst(
      verb('lb-pool-create'),
      poolCreate,
      api((r) =>
        r.method === 'GET' && r.path === `/v2.0/lb/pools/${POOL_ID}`
          ? { status: 200, body: { pool: { id: POOL_ID, status: ++reads < 3 ? 'PENDING_CREATE' : 'ACTIVE' } } }
          : undefined,
      ),
    );
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ id: POOL_ID, status: 'ACTIVE' });
    expect(run.stderr).toBe(
      [
        `Waiting for pool ${POOL_ID}: PENDING_CREATE after 0.0 s (timeout 60 s)`,
        `Waiting for pool ${POOL_ID}: ACTIVE after 0.8 s (timeout 60 s)`,
        '',
      ].join('\n'),
    );
  });

  it('gives up after --timeout with exit status 1, still printing the pool', async () => {
    const run = await runAgainst(
      verb('lb-pool-create'),
      [...poolCreate, '--timeout', '2'],
      api((r) =>
        r.method === 'GET' && r.path === `/v2.0/lb/pools/${POOL_ID}`
          ? { status: 200, body: { pool: { id: POOL_ID, status: 'PENDING_CREATE' } } }
          : undefined,
      ),
    );
    expect(run.status).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual({ id: POOL_ID, status: 'PENDING_CREATE' });
    expect(run.stderr).toContain(
      `Timed out after 2 s waiting for pool ${POOL_ID} to become ACTIVE or ERROR: its status is still PENDING_CREATE.`,
    );
  });

  it('ends with exit status 1 and the reason when the VIP goes to ERROR', async () => {
    const run = await runAgainst(
      verb('lb-vip-update'),
      ['mypool', '--name', 'v', '--wait'],
      api((r) =>
        r.method === 'GET' && r.path.startsWith('/v2.0/lb/vips/') && !r.path.includes('?')
          ? { status: 200, body: { vip: { id: POOL_ID, status: 'ERROR', status_description: 'no node' } } }
          : r.path.startsWith('/v2.0/lb/vips?name=')
            ? { status: 200, body: { vips: [{ id: POOL_ID }] } }
            : undefined,
      ),
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`vip ${POOL_ID} is in ERROR: no node.`);
  });
});

describe('updates, deletes and associations', () => {
  it('refuses an update without new values before asking the API anything', async () => {
    await expect(runAgainst(verb('lb-pool-update'), ['mypool'], api())).rejects.toEqual(
      new CommandError('Must specify new values to update pool'),
    );
  });

  it('sends only the fields given', async () => {
    const run = await runAgainst(verb('lb-member-update'), [HM, '--weight', '3', '--admin-state-up', 'False'], api());
    expect(run.requests.at(-1)).toEqual({
      method: 'PUT',
      path: `/v2.0/lb/members/${HM}`,
      body: { member: { weight: 3, admin_state_up: false } },
    });
  });

  it('deletes by name and says what it deleted', async () => {
    const run = await runAgainst(verb('lb-pool-delete'), ['mypool'], api());
    expect(run.requests.at(-1)).toEqual({ method: 'DELETE', path: `/v2.0/lb/pools/${POOL_ID}`, body: undefined });
    expect(run.stdout).toBe('Deleted pool: mypool\n');
  });

  it('associates and disassociates a health monitor through the pool', async () => {
    const associate = await runAgainst(
      verb('lb-healthmonitor-associate'),
      [HM, 'mypool'],
      api((r) => (r.method === 'POST' ? { status: 201, body: { health_monitor: {} } } : undefined)),
    );
    expect(associate.requests.at(-1)).toEqual({
      method: 'POST',
      path: `/v2.0/lb/pools/${POOL_ID}/health_monitors`,
      body: { health_monitor: { id: HM } },
    });
    expect(associate.stdout).toBe(`Associated health monitor ${HM}\n`);
    const disassociate = await runAgainst(verb('lb-healthmonitor-disassociate'), [HM, 'mypool'], api());
    expect(disassociate.requests.at(-1)).toEqual({
      method: 'DELETE',
      path: `/v2.0/lb/pools/${POOL_ID}/health_monitors/${HM}`,
      body: undefined,
    });
  });

  it('disassociates a floating IP by clearing its port', async () => {
    const run = await runAgainst(verb('floatingip-disassociate'), [FIP], api());
    expect(run.requests.at(-1)).toEqual({ method: 'PUT', path: `/v2.0/floatingips/${FIP}`, body: { floatingip: { port_id: null } } });
  });

  it('does not look up subnets for net-list in JSON, where the ids stay raw', async () => {
    const run = await runAgainst(
      verb('net-list'),
      [],
      api((r) =>
        r.path === '/v2.0/networks' ? { status: 200, body: { networks: [{ id: NET, name: 'vipnet', subnets: [SUB] }] } } : undefined,
      ),
    );
    expect(run.requests.map((r) => r.path)).toEqual(['/v2.0/networks']);
    expect(JSON.parse(run.stdout)).toEqual([{ id: NET, name: 'vipnet', subnets: [SUB] }]);
  });
});

describe('--timeout', () => {
  it('is refused without --wait, before anything is sent', async () => {
    await expect(
      runAgainst(verb('lb-pool-update'), ['mypool', '--name', 'x', '--timeout', '5'], () => {
        throw new Error('nothing may be sent');
      }),
    ).rejects.toEqual(new UsageError('argument --timeout: goes with --wait'));
  });

  it('is checked before the pool is created', async () => {
    await expect(
      runAgainst(
        verb('lb-pool-create'),
        ['--lb-method', 'ROUND_ROBIN', '--name', 'p', '--protocol', 'HTTP', '--subnet-id', SUB, '--wait', '--timeout', '0'],
        (r) => {
          if (r.method === 'POST') throw new Error('nothing may be created');
          return api()(r);
        },
      ),
    ).rejects.toBeInstanceOf(UsageError);
  });
});

describe('lb-healthmonitor-create', () => {
  it("sends --timeout as the monitor's own timeout, not a wait", async () => {
    const run = await runAgainst(
      verb('lb-healthmonitor-create'),
      ['--delay', '20', '--timeout', '10', '--max-retries', '3', '--type', 'http'],
      api(),
    );
    expect(run.requests).toEqual([
      {
        method: 'POST',
        path: '/v2.0/lb/health_monitors',
        body: { health_monitor: { type: 'HTTP', delay: 20, timeout: 10, max_retries: 3 } },
      },
    ]);
    expect(run.status).toBe(0);
  });
});

describe('certificates', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lbaas-cli-certificates-'));
  const CHAIN =
    '-----BEGIN CERTIFICATE-----\nMIIBleaf\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nMIIBintermediate\n-----END CERTIFICATE-----\n';
  const KEY = '-----BEGIN PRIVATE KEY-----\nMIGHsecretkeymaterial\n-----END PRIVATE KEY-----\n';
  const chainFile = join(dir, 'www.pem');
  const keyFile = join(dir, 'www.key');
  const emptyFile = join(dir, 'empty.key');
  const absentFile = join(dir, 'absent.key');
  const nothingSent = () => {
    throw new Error('nothing may be sent');
  };

  beforeAll(() => {
    writeFileSync(chainFile, CHAIN);
    writeFileSync(keyFile, KEY);
    writeFileSync(emptyFile, '');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates one from the two files, and prints no key even when an answer carries one', async () => {
    const run = await runAgainst(
      verb('lb-certificate-create'),
      ['www', '--certificate-file', chainFile, '--private-key-file', keyFile, '--description', 'site'],
      api(),
    );
    expect(run.requests).toEqual([
      {
        method: 'POST',
        path: '/v2.0/lb/certificates',
        body: { certificate: { name: 'www', description: 'site', certificate: CHAIN, private_key: KEY } },
      },
    ]);
    expect(JSON.parse(run.stdout)).toMatchObject({ name: 'www', certificate: CHAIN });
    expect(`${run.stdout}${run.stderr}`).not.toContain('secretkeymaterial');
    expect(run.status).toBe(0);
  });

  it.each([
    {
      desc: 'an absent key file',
      argv: ['--certificate-file', chainFile, '--private-key-file', absentFile],
      message: `--private-key-file ${absentFile} cannot be read: ENOENT: no such file or directory, open '${absentFile}'`,
    },
    {
      desc: 'an empty key file',
      argv: ['--certificate-file', chainFile, '--private-key-file', emptyFile],
      message: `--private-key-file ${emptyFile} is empty.`,
    },
    {
      desc: 'a directory for the chain',
      argv: ['--certificate-file', dir, '--private-key-file', keyFile],
      message: `--certificate-file ${dir} cannot be read: EISDIR: illegal operation on a directory, read`,
    },
  ])('refuses $desc with the option and the path, before anything is sent', async ({ argv, message }) => {
    await expect(runAgainst(verb('lb-certificate-create'), ['www', ...argv], nothingSent)).rejects.toEqual(new CommandError(message));
  });

  it('creates a CA bundle or revocation list from its file alone, with its kind', async () => {
    const run = await runAgainst(verb('lb-certificate-create'), ['roots', '--kind', 'CA', '--certificate-file', chainFile], api());
    expect(run.requests).toEqual([
      { method: 'POST', path: '/v2.0/lb/certificates', body: { certificate: { name: 'roots', kind: 'ca', certificate: CHAIN } } },
    ]);
    expect(run.status).toBe(0);
  });

  it.each([
    { argv: ['--certificate-file', chainFile], message: 'the following arguments are required: --private-key-file' },
    {
      argv: ['--kind', 'crl', '--certificate-file', chainFile, '--private-key-file', keyFile],
      message: 'argument --private-key-file: a crl certificate has no private key',
    },
    {
      argv: ['--kind', 'leaf', '--certificate-file', chainFile],
      message: "argument --kind: invalid choice: 'leaf' (choose from 'server', 'ca', 'crl')",
    },
  ])('refuses $argv before anything is sent', async ({ argv, message }) => {
    await expect(runAgainst(verb('lb-certificate-create'), ['www', ...argv], nothingSent)).rejects.toEqual(new UsageError(message));
  });

  it('refuses a file larger than the API takes, without sending it', async () => {
    const big = join(dir, 'big.pem');
    writeFileSync(big, 'x'.repeat(64 * 1024 + 1));
    await expect(
      runAgainst(verb('lb-certificate-create'), ['www', '--certificate-file', big, '--private-key-file', keyFile], nothingSent),
    ).rejects.toEqual(new CommandError(`--certificate-file ${big} holds more than 64 KiB, more than the API takes.`));
  });

  it('renames one found by name, sending no material', async () => {
    const run = await runAgainst(verb('lb-certificate-update'), ['www', '--name', 'www-2026'], api());
    expect(run.requests.at(-1)).toEqual({
      method: 'PUT',
      path: `/v2.0/lb/certificates/${CERT}`,
      body: { certificate: { name: 'www-2026' } },
    });
  });

  it('replaces the chain and key together', async () => {
    const run = await runAgainst(
      verb('lb-certificate-update'),
      ['www', '--certificate-file', chainFile, '--private-key-file', keyFile],
      api(),
    );
    expect(run.requests.at(-1)).toEqual({
      method: 'PUT',
      path: `/v2.0/lb/certificates/${CERT}`,
      body: { certificate: { certificate: CHAIN, private_key: KEY } },
    });
    expect(`${run.stdout}${run.stderr}`).not.toContain('secretkeymaterial');
  });

  it.each([
    {
      desc: 'a chain without its key',
      argv: ['--certificate-file', chainFile],
      message: 'argument --certificate-file: goes with --private-key-file',
    },
    {
      desc: 'a key without its chain',
      argv: ['--private-key-file', keyFile],
      message: 'argument --private-key-file: goes with --certificate-file',
    },
  ])('refuses $desc before anything is sent', async ({ argv, message }) => {
    await expect(runAgainst(verb('lb-certificate-update'), ['www', ...argv], nothingSent)).rejects.toEqual(new UsageError(message));
  });

  it('refuses an update without new values', async () => {
    await expect(runAgainst(verb('lb-certificate-update'), ['www'], api())).rejects.toEqual(
      new CommandError('Must specify new values to update certificate'),
    );
  });

  it('lists, shows and deletes by name', async () => {
    const listed = await runAgainst(
      verb('lb-certificate-list'),
      [],
      api((r) =>
        r.path === '/v2.0/lb/certificates'
          ? {
              status: 200,
              body: {
                certificates: [
                  { id: CERT, name: 'www', hostnames: ['www.example.test'], not_after: '2026-04-01T00:00:00.000Z', fingerprint: 'ab' },
                ],
              },
            }
          : undefined,
      ),
    );
    expect(JSON.parse(listed.stdout)).toEqual([
      { id: CERT, name: 'www', hostnames: ['www.example.test'], not_after: '2026-04-01T00:00:00.000Z' },
    ]);
    const shown = await runAgainst(
      verb('lb-certificate-show'),
      ['www'],
      api((r) =>
        r.path === `/v2.0/lb/certificates/${CERT}`
          ? { status: 200, body: { certificate: { id: CERT, name: 'www', vip_ids: [] } } }
          : undefined,
      ),
    );
    expect(JSON.parse(shown.stdout)).toEqual({ id: CERT, name: 'www', vip_ids: [] });
    const deleted = await runAgainst(verb('lb-certificate-delete'), ['www'], api());
    expect(deleted.requests.at(-1)).toEqual({ method: 'DELETE', path: `/v2.0/lb/certificates/${CERT}`, body: undefined });
    expect(deleted.stdout).toBe('Deleted certificate: www\n');
  });

  it('reseals one by name with a bodiless PUT', async () => {
    const run = await runAgainst(
      verb('lb-certificate-reseal'),
      ['www'],
      api((r) => (r.method === 'PUT' ? { status: 200, body: { certificate: { id: CERT, name: 'www' } } } : undefined)),
    );
    expect(run.requests.at(-1)).toEqual({ method: 'PUT', path: `/v2.0/lb/certificates/${CERT}/reseal`, body: undefined });
    expect(JSON.parse(run.stdout)).toEqual({ id: CERT, name: 'www' });
  });

  it('puts a certificate on a new VIP by name', async () => {
    const run = await runAgainst(
      verb('lb-vip-create'),
      ['--name', 'www', '--protocol-port', '443', '--protocol', 'HTTP', '--subnet-id', 'vipsubnet', 'mypool', '--tls-certificate', 'www'],
      api(),
    );
    expect(run.requests.at(-1)?.body).toEqual({
      vip: { name: 'www', protocol_port: 443, protocol: 'HTTP', subnet_id: SUB, pool_id: POOL_ID, tls_certificate_id: CERT },
    });
  });

  it('changes and removes the certificate of a VIP', async () => {
    const changed = await runAgainst(verb('lb-vip-update'), ['mypool', '--tls-certificate', 'www'], api());
    expect(changed.requests.at(-1)?.body).toEqual({ vip: { tls_certificate_id: CERT } });
    const removed = await runAgainst(verb('lb-vip-update'), ['mypool', '--no-tls-certificate'], api());
    expect(removed.requests.at(-1)?.body).toEqual({ vip: { tls_certificate_id: null } });
    await expect(
      runAgainst(verb('lb-vip-update'), ['mypool', '--tls-certificate', 'www', '--no-tls-certificate'], nothingSent),
    ).rejects.toEqual(new CommandError('--tls-certificate and --no-tls-certificate cannot go together.'));
  });
});
