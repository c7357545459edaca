import { ensureFabric, plugNamespace, removeDeadRuns, removeNamespaces } from '@lbaas/dataplane';
import {
  builtService,
  freePort,
  killOnExit,
  makeTestCa,
  type IssuedCertificate,
  type ServiceProcess,
  spawnService,
  type Stack,
  startBackend,
  startStack,
  waitFor,
} from '@lbaas/testing';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type BenchRow, percentile, report } from './report';

/** Apart from the e2e runs (`lbt`), the dataplane bench (`lbb`) and the other suites (`lbc`, `lbp`, `lbs`). */
const RUN_TAG = 'lbk';
const PREFIX = `${RUN_TAG}${process.pid.toString(16)}-`;
const HOST = 'www.lbaas.test';
const CLIENT_ADDRESS = '198.18.255.250';
const RAW_ADDRESS = '198.18.3.10';
const MEMBERS = ['198.18.2.11', '198.18.2.12'];
/** Each variant: ROUNDS rounds of at most ROUND_REQUESTS requests or ROUND_MS, variants interleaved so drift hits them alike. */
const ROUNDS = 2;
const ROUND_REQUESTS = 1000;
const ROUND_MS = 10_000;
const WORKERS = 4;
const WARMUP_REQUESTS = 100;
const ROTATIONS = 5;
const POLL_MS = 10;
const ROTATION_WITHIN_MS = 30_000;
/** After a rotation is served and applied, before the next: HAProxy's master drops a SIGUSR2 that comes while it starts up. */
const SETTLE_MS = 1000;
const LOAD_WORKERS = 4;
const LOAD_PAUSE_MS = 10;
const LOAD_MAX_REQUESTS = 60_000;
const LOAD_MAX_MS = 180_000;
const BUDGET_MS = 10 * 60_000;

/**
 * A bounded run from the client namespace: `workers` loops of one request per new connection
 * (agent: false: no keep-alive, no TLS session reuse, so every HTTPS request is a full handshake
 * verified against the test CA), until `max` requests or `maxMs`; prints {ok, failed, errors,
 * elapsedMs, cpuMs (its own), latencies (ms), protocol, cipher}.
 */
const MEASURE = `
const http = require('http'); const https = require('https'); const tls = require('tls'); const fs = require('fs'); const { performance } = require('perf_hooks');
const [scheme, address, port, host, caFile, max, maxMs, workers] = process.argv.slice(1);
const secureContext = scheme === 'https' ? tls.createSecureContext({ ca: fs.readFileSync(caFile) }) : undefined; const lib = scheme === 'https' ? https : http;
const started = performance.now(); const deadline = started + Number(maxMs); const cpu0 = process.cpuUsage();
let sent = 0, ok = 0, failed = 0, resumed = 0, protocol = null, cipher = null; const errors = []; const latencies = [];
const one = () => new Promise((resolve) => {
  const t = performance.now(); let done = false;
  const fail = (why) => { if (done) return; done = true; failed++; if (errors.length < 10) errors.push(why); resolve(); };
  const options = { host: address, port: Number(port), path: '/', headers: { host }, agent: false, timeout: 5000 };
  if (scheme === 'https') Object.assign(options, { servername: host, secureContext });
  const req = lib.get(options, (res) => {
    if (scheme === 'https') { if (res.socket.isSessionReused()) resumed++; if (protocol === null) { protocol = res.socket.getProtocol(); cipher = res.socket.getCipher().name; } }
    let body = ''; res.setEncoding('utf8'); res.on('data', (d) => { body += d; });
    res.on('end', () => { if (done) return; if (res.statusCode === 200 && /^be-\\d\\n$/.test(body)) { done = true; ok++; latencies.push(performance.now() - t); resolve(); } else fail(res.statusCode + ' ' + body.slice(0, 80)); });
    res.on('error', (e) => fail(e.message));
  });
  req.on('timeout', () => req.destroy(new Error('timed out')));
  req.on('error', (e) => fail(e.code || e.message));
});
const worker = async () => { while (sent < Number(max) && performance.now() < deadline) { sent++; await one(); } };
Promise.all(Array.from({ length: Number(workers) }, worker)).then(() =>
  console.log(JSON.stringify({ ok, failed, resumed, errors, elapsedMs: performance.now() - started, cpuMs: ((c) => (c.user + c.system) / 1000)(process.cpuUsage(cpu0)), latencies: latencies.map((l) => Math.round(l * 1000) / 1000), protocol, cipher })));
`;
interface Measured {
  ok: number;
  failed: number;
  resumed: number;
  errors: string[];
  elapsedMs: number;
  cpuMs: number;
  latencies: number[];
  protocol: string | null;
  cipher: string | null;
}

/**
 * A watcher in the client namespace, driven by lines on stdin: \`watch <address> <port> <sha256 hex> <maxMs>\`
 * handshakes with <address>:<port> again and again (a new connection each, verified against the CA,
 * POLL_MS apart) until the certificate served has that fingerprint, and answers one JSON line with the
 * wall-clock time (performance.timeOrigin + now, ms) that handshake completed. It exits when stdin closes
 * or after an hour.
 */
const WATCH = `
const tls = require('tls'); const fs = require('fs'); const readline = require('readline'); const { performance } = require('perf_hooks');
const [caFile, host, pollMs] = process.argv.slice(1); const secureContext = tls.createSecureContext({ ca: fs.readFileSync(caFile) });
const now = () => performance.timeOrigin + performance.now();
const handshake = (address, port) => new Promise((resolve) => {
  const s = tls.connect({ host: address, port: Number(port), servername: host, secureContext, timeout: 2000 }, () => {
    const at = now(); const fp = s.getPeerCertificate().fingerprint256.replace(/:/g, '').toLowerCase(); s.destroy(); resolve({ at, fp });
  });
  s.on('timeout', () => s.destroy(new Error('timed out')));
  s.on('error', (e) => resolve({ error: e.code || e.message }));
});
const pause = () => new Promise((r) => setTimeout(r, Number(pollMs)));
const rl = readline.createInterface({ input: process.stdin });
rl.on('line', async (line) => {
  const [verb, address, port, want, maxMs] = line.trim().split(' ');
  if (verb !== 'watch') return;
  const deadline = now() + Number(maxMs); let attempts = 0, errors = 0, last = null;
  while (now() < deadline) {
    attempts++; const r = await handshake(address, port);
    if (r.error) { errors++; last = r.error; } else if (r.fp === want) { console.log(JSON.stringify({ at: r.at, attempts, errors, last })); return; }
    await pause();
  }
  console.log(JSON.stringify({ at: null, attempts, errors, last }));
});
rl.on('close', () => process.exit(0));
setTimeout(() => process.exit(0), 3600000).unref();
`;
interface Watched {
  at: number | null;
  attempts: number;
  errors: number;
  last: string | null;
}

/**
 * A bounded HTTPS load in the client namespace: `workers` loops of one request per new connection,
 * verified against the CA, LOAD_PAUSE_MS apart, until the stop file, `max` requests or `maxMs`; prints
 * {ok, failed, failures: [{at, why}] (wall-clock ms, the first 50), seen: {fingerprint: count}}.
 */
const LOAD = `
const https = require('https'); const tls = require('tls'); const fs = require('fs'); const { performance } = require('perf_hooks');
const [caFile, address, host, stopFile, max, maxMs, workers, pauseMs] = process.argv.slice(1);
const secureContext = tls.createSecureContext({ ca: fs.readFileSync(caFile) }); const deadline = Date.now() + Number(maxMs);
const now = () => performance.timeOrigin + performance.now();
let sent = 0, ok = 0, failed = 0; const failures = []; const seen = {};
const one = () => new Promise((resolve) => {
  let done = false;
  const fail = (why) => { if (done) return; done = true; failed++; if (failures.length < 50) failures.push({ at: now(), why }); resolve(); };
  const req = https.get({ host: address, port: 443, servername: host, path: '/', headers: { host }, secureContext, agent: false, timeout: 5000 }, (res) => {
    const fp = res.socket.getPeerCertificate().fingerprint256.replace(/:/g, '').toLowerCase();
    let body = ''; res.setEncoding('utf8'); res.on('data', (d) => { body += d; });
    res.on('end', () => { if (done) return; if (res.statusCode === 200 && /^be-\\d\\n$/.test(body)) { done = true; ok++; seen[fp] = (seen[fp] || 0) + 1; resolve(); } else fail(res.statusCode + ' ' + body.slice(0, 80)); });
    res.on('error', (e) => fail(e.message));
  });
  req.on('timeout', () => req.destroy(new Error('timed out')));
  req.on('error', (e) => fail(e.code || e.message));
});
const pause = () => new Promise((r) => setTimeout(r, Number(pauseMs)));
const worker = async () => { while (sent < Number(max) && Date.now() < deadline && !fs.existsSync(stopFile)) { sent++; await one(); await pause(); } };
Promise.all(Array.from({ length: Number(workers) }, worker)).then(() => console.log(JSON.stringify({ ok, failed, failures, seen })));
`;
interface LoadResult {
  ok: number;
  failed: number;
  failures: { at: number; why: string }[];
  seen: Record<string, number>;
}

interface ServiceInstance {
  vm_list: { uuid: string; ha: string; status: string }[];
  config: unknown[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const wallClock = (): number => performance.timeOrigin + performance.now();
const sorted = (xs: readonly number[]) => [...xs].sort((a, b) => a - b);
const pemOf = (leaf: IssuedCertificate): string => `${leaf.certificatePem.trimEnd()}\n${leaf.privateKeyPem.trimEnd()}\n`;

/** A node program in namespace `ns`, titled `lb-<title>`, SIGKILLed if the bench exits first. */
function spawnIn(ns: string, title: string, program: string, args: string[]): ChildProcess {
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, `--title=lb-${title}`, '-e', program, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  killOnExit(child);
  return child;
}

/** Runs a program to its end and parses the last line it printed as JSON. */
function runToEnd<T>(child: ChildProcess): Promise<T> {
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.once('close', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`client exited with ${code}: ${(err || out).slice(-1000)}`));
      }
    });
  });
}

/** The watcher: one `watch` at a time, answered by one line. */
function startWatcher(client: string, caFile: string) {
  const child = spawnIn(client, 'tls-watch', WATCH, [caFile, HOST, String(POLL_MS)]);
  let buffered = '';
  const waiting: ((line: string) => void)[] = [];
  child.stdout?.on('data', (d: Buffer) => {
    buffered += d.toString();
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      waiting.shift()?.(line);
    }
  });
  return {
    child,
    /** Resolves with the wall-clock time of the first handshake at address:port that presents `fingerprint`. */
    watch(address: string, port: number, fingerprint: string): Promise<Watched> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the watcher did not answer')), ROTATION_WITHIN_MS + 5000);
        waiting.push((line) => {
          clearTimeout(timer);
          resolve(JSON.parse(line) as Watched);
        });
        child.stdin?.write(`watch ${address} ${port} ${fingerprint} ${ROTATION_WITHIN_MS}\n`);
      });
    },
  };
}

/**
 * TLS termination on a VIP, against floors measured in the same run on the same fabric: HTTPS
 * requests on a new connection each through a VIP with a certificate (floors: plain HTTP through
 * a VIP without one, and HAProxy started by hand with the same TLS bind and certificate), the
 * time from a rotation (a VIP's new tls_certificate_id, a certificate's new material) to the
 * first handshake that presents the new certificate (floor: the by-hand HAProxy's crt file
 * replaced and its master sent SIGUSR2), and requests failed across those rotations under load.
 */
async function run(signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + BUDGET_MS;
  const check = () => {
    if (signal.aborted || Date.now() > deadline) throw new Error('tls: out of time or interrupted');
  };
  const children: ChildProcess[] = [];
  const services: ServiceProcess[] = [];
  let stack: Stack | null = null;
  const work = mkdtempSync(join(tmpdir(), 'lbk-tls-'));
  try {
    await removeDeadRuns(RUN_TAG);
    const ca = await makeTestCa(join(work, 'ca'));
    const caFile = ca.certPath;
    // Leaves from the intermediate, so each handshake sends and verifies a chain, as most sites do.
    const leafA = await ca.issue([HOST], { intermediate: true });
    const leafB = await ca.issue([HOST], { intermediate: true });
    const replacements: IssuedCertificate[] = [];
    for (let i = 0; i < ROTATIONS; i++) replacements.push(await ca.issue([HOST], { intermediate: true }));

    await ensureFabric(PREFIX);
    for (const [i, address] of MEMBERS.entries()) {
      const ns = await plugNamespace(PREFIX, `be-${i + 1}`, address);
      children.push(startBackend(ns, { name: `be-${i + 1}`, address }));
    }
    const client = await plugNamespace(PREFIX, 'client', CLIENT_ADDRESS);

    stack = await startStack();
    const runRoot = join(work, 'run');
    const env = {
      LBAAS_NATS_URL: stack.nats.url,
      LBAAS_RUN_DIR: runRoot,
      LBAAS_SECRET_KEY_FILE: join(work, 'secret.key'),
      LBAAS_NODE_SILENCE_MS: '2000',
    };
    services.push(spawnService('scheduler', builtService('scheduler'), { ...env, LBAAS_HEALTH_PORT: String(await freePort()) }));
    services.push(
      spawnService('config-renderer', builtService('config-renderer'), { ...env, LBAAS_HEALTH_PORT: String(await freePort()) }),
    );
    for (const n of [1, 2]) {
      services.push(
        spawnService(
          `node-${n}`,
          builtService('node-agent'),
          {
            ...env,
            LBAAS_HEALTH_PORT: String(await freePort()),
            LBAAS_NODE_DRIVER: 'netns',
            LBAAS_NS_PREFIX: PREFIX,
            LBAAS_HEARTBEAT_MS: '300',
            LBAAS_CERTIFICATE_KEY_FILE: stack.certificateKeyFile,
          },
          [`compute-node-${n}`],
        ),
      );
    }
    const s = stack;
    const call = async <T>(method: string, path: string, body?: object, token = s.tokens.demo.token): Promise<T> => {
      const res = await fetch(`${s.apiUrl}${path}`, {
        method,
        headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json' },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${method} ${path} -> ${res.status} ${text.slice(0, 300)}`);
      return (text ? JSON.parse(text) : {}) as T;
    };
    const instance = async (vipId: string): Promise<ServiceInstance | undefined> =>
      (
        await call<{ service_instances: ServiceInstance[] }>(
          'GET',
          `/v2.0/lb/service_instances?vip_id=${vipId}`,
          undefined,
          s.tokens.admin.token,
        )
      ).service_instances[0];
    const allApplied = (si: ServiceInstance | undefined): boolean =>
      si !== undefined && si.vm_list.length === 2 && si.vm_list.every((vm) => vm.status === 'APPLIED');
    const holdsVip = (vmId: string, address: string): boolean =>
      execFileSync('ip', ['-n', `${PREFIX}${vmId}`, '-o', 'addr', 'show', 'dev', 'lbv0'], { encoding: 'utf8' }).includes(` ${address}/`);
    const guarded = (what: string, test: () => boolean | Promise<boolean>, withinMs: number, everyMs: number) =>
      waitFor(
        what,
        async () => {
          check();
          return test();
        },
        withinMs,
        everyMs,
      );
    /** Both placements applied and the VIP on the active only: VRRP may still move it just after a start, which resets connections. */
    const settled = async (vipId: string, address: string): Promise<void> => {
      await guarded('both placements applied', async () => allApplied(await instance(vipId)), 60_000, 250);
      await guarded(
        'the VIP on the active placement only',
        async () => {
          const si = await instance(vipId);
          const active = si?.vm_list.find((vm) => vm.ha.startsWith('active'));
          const standby = si?.vm_list.find((vm) => vm.ha.startsWith('standby'));
          return active !== undefined && standby !== undefined && holdsVip(active.uuid, address) && !holdsVip(standby.uuid, address);
        },
        30_000,
        100,
      );
    };

    const vipNet = (await call<{ network: { id: string } }>('POST', '/v2.0/networks', { network: { name: 'vipnet' } })).network.id;
    const vipSubnet = (
      await call<{ subnet: { id: string } }>('POST', '/v2.0/subnets', {
        subnet: { network_id: vipNet, cidr: '198.18.1.0/24', ip_version: 4 },
      })
    ).subnet.id;
    const poolNet = (await call<{ network: { id: string } }>('POST', '/v2.0/networks', { network: { name: 'poolnet' } })).network.id;
    const poolSubnet = (
      await call<{ subnet: { id: string } }>('POST', '/v2.0/subnets', {
        subnet: { network_id: poolNet, cidr: '198.18.2.0/24', ip_version: 4 },
      })
    ).subnet.id;
    const upload = async (name: string, leaf: IssuedCertificate): Promise<string> =>
      (
        await call<{ certificate: { id: string } }>('POST', '/v2.0/lb/certificates', {
          certificate: { name, certificate: leaf.certificatePem, private_key: leaf.privateKeyPem },
        })
      ).certificate.id;
    const certA = await upload('bench-a', leafA);
    const certB = await upload('bench-b', leafB);
    const newVip = async (name: string, port: number, certificate: string | null): Promise<{ id: string; address: string }> => {
      const pool = (
        await call<{ pool: { id: string } }>('POST', '/v2.0/lb/pools', {
          pool: { name, subnet_id: poolSubnet, protocol: 'HTTP', lb_method: 'ROUND_ROBIN' },
        })
      ).pool.id;
      for (const address of MEMBERS) await call('POST', '/v2.0/lb/members', { member: { pool_id: pool, address, protocol_port: 80 } });
      return (
        await call<{ vip: { id: string; address: string } }>('POST', '/v2.0/lb/vips', {
          vip: {
            name,
            subnet_id: vipSubnet,
            protocol: 'HTTP',
            protocol_port: port,
            pool_id: pool,
            ...(certificate ? { tls_certificate_id: certificate } : {}),
          },
        })
      ).vip;
    };
    const tlsVip = await newVip('tls', 443, certA);
    const plainVip = await newVip('plain', 80, null);
    for (const v of [tlsVip, plainVip]) await settled(v.id, v.address);

    // The raw floor: the same TLS frontend and backend as the rendering, in a namespace by hand.
    const raw = await plugNamespace(PREFIX, 'raw', RAW_ADDRESS);
    const rawDir = join(work, 'raw');
    mkdirSync(join(rawDir, 'tls'), { recursive: true, mode: 0o700 });
    const rawCrt = join(rawDir, 'tls', 'www.pem');
    writeFileSync(rawCrt, pemOf(leafA), { mode: 0o600 });
    writeFileSync(
      join(rawDir, 'haproxy.cfg'),
      [
        'global',
        '    master-worker',
        '    user nobody',
        '    group nogroup',
        `    pidfile ${rawDir}/haproxy.pid`,
        `    stats socket ${rawDir}/haproxy.sock mode 600 level admin expose-fd listeners`,
        'defaults',
        '    retries 3',
        '    option redispatch',
        '    timeout connect 5000',
        '    timeout client 50000',
        '    timeout server 50000',
        'frontend f',
        `    bind ${RAW_ADDRESS}:443 ssl crt ${rawCrt} alpn h2,http/1.1`,
        '    mode http',
        '    option forwardfor',
        '    http-request set-header X-Forwarded-Proto https',
        '    http-request set-header X-Forwarded-Port 443',
        '    default_backend b',
        'backend b',
        '    mode http',
        '    balance roundrobin',
        ...MEMBERS.map((a, i) => `    server s${i + 1} ${a}:80 weight 1`),
        '',
      ].join('\n'),
    );
    execFileSync('ip', ['netns', 'exec', raw, '/usr/sbin/haproxy', '-W', '-D', '-f', join(rawDir, 'haproxy.cfg')], { stdio: 'ignore' });
    const rawPid = (): number => {
      try {
        return Number(readFileSync(join(rawDir, 'haproxy.pid'), 'utf8').trim().split('\n')[0]) || 0;
      } catch {
        return 0;
      }
    };
    await guarded('the by-hand HAProxy writes its pid file', () => rawPid() > 1, 5000, 25);
    const rawMaster = rawPid();

    // 1. Requests on a new connection each: the VIP with TLS, plain HTTP through a VIP, the raw HAProxy with TLS.
    const variants = {
      vip: ['https', tlsVip.address, '443'],
      plain: ['http', plainVip.address, '80'],
      raw: ['https', RAW_ADDRESS, '443'],
    } as const;
    type Variant = keyof typeof variants;
    const variantNames = Object.keys(variants) as Variant[];
    const measure = (v: Variant, max: number, maxMs: number, workers: number): Promise<Measured> => {
      const child = spawnIn(client, `tls-bench-${v}`, MEASURE, [...variants[v], HOST, caFile, String(max), String(maxMs), String(workers)]);
      children.push(child);
      return runToEnd<Measured>(child);
    };
    for (const v of variantNames) {
      check();
      const warm = await measure(v, WARMUP_REQUESTS, ROUND_MS, 1);
      if (warm.ok === 0) throw new Error(`no answer from the ${v} variant: ${warm.errors.join('; ')}`);
    }
    const measured: Record<
      Variant,
      { ok: number; failed: number; elapsedMs: number; cpuMs: number; latencies: number[]; errors: string[] }
    > = {
      vip: { ok: 0, failed: 0, elapsedMs: 0, cpuMs: 0, latencies: [], errors: [] },
      plain: { ok: 0, failed: 0, elapsedMs: 0, cpuMs: 0, latencies: [], errors: [] },
      raw: { ok: 0, failed: 0, elapsedMs: 0, cpuMs: 0, latencies: [], errors: [] },
    };
    let negotiated = '';
    let resumed = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const order: Variant[] = round % 2 === 0 ? ['vip', 'plain', 'raw'] : ['raw', 'plain', 'vip'];
      for (const v of order) {
        check();
        const m = await measure(v, ROUND_REQUESTS, ROUND_MS, WORKERS);
        const acc = measured[v];
        acc.ok += m.ok;
        acc.failed += m.failed;
        acc.elapsedMs += m.elapsedMs;
        acc.cpuMs += m.cpuMs;
        resumed += m.resumed;
        acc.latencies.push(...m.latencies);
        acc.errors.push(...m.errors.slice(0, 5));
        if (v === 'vip' && m.protocol) negotiated = `${m.protocol} ${m.cipher}`;
      }
    }
    const rps = (v: Variant) => measured[v].ok / (measured[v].elapsedMs / 1000);
    const p = (v: Variant, q: number) => percentile(sorted(measured[v].latencies), q);

    // 2 and 3. Rotations, each under a bounded load of its own, the floor first.
    const watcher = startWatcher(client, caFile);
    children.push(watcher.child);
    const underLoad = async (address: string, name: string, body: () => Promise<void>): Promise<LoadResult> => {
      const stopFile = join(work, `stop-${name}`);
      const load = spawnIn(client, `tls-load-${name}`, LOAD, [
        caFile,
        address,
        HOST,
        stopFile,
        String(LOAD_MAX_REQUESTS),
        String(LOAD_MAX_MS),
        String(LOAD_WORKERS),
        String(LOAD_PAUSE_MS),
      ]);
      children.push(load);
      const result = runToEnd<LoadResult>(load);
      try {
        await sleep(1000);
        await body();
        await sleep(1000);
      } catch (error) {
        writeFileSync(stopFile, '');
        await result.catch(() => undefined);
        throw error;
      }
      writeFileSync(stopFile, '');
      return result;
    };
    /** Wall-clock time from `act` starting to the first handshake presenting `fingerprint`; `actedMs`: until `act` returned (the API's answer). */
    const timed = async (
      address: string,
      fingerprint: string,
      act: () => Promise<void>,
    ): Promise<{ ms: number; actedMs: number; startedAt: number }> => {
      check();
      const seen = watcher.watch(address, 443, fingerprint);
      const startedAt = wallClock();
      await act();
      const actedMs = wallClock() - startedAt;
      const w = await seen;
      if (w.at === null)
        throw new Error(
          `${address} did not present ${fingerprint.slice(0, 16)}... within ${ROTATION_WITHIN_MS} ms (${w.attempts} handshakes, ${w.errors} failed, last: ${w.last})`,
        );
      return { ms: w.at - startedAt, actedMs, startedAt };
    };
    type Rotation = { kind: string; ms: number; actedMs: number; startedAt: number };

    const rawRotations: Rotation[] = [];
    const rawLoad = await underLoad(RAW_ADDRESS, 'raw', async () => {
      for (let i = 0; i < ROTATIONS; i++) {
        const leaf = i % 2 === 0 ? leafB : leafA;
        rawRotations.push({
          kind: 'crt file + SIGUSR2',
          ...(await timed(RAW_ADDRESS, leaf.fingerprint, async () => {
            // As the agents write it: a temporary file renamed over the old one.
            writeFileSync(`${rawCrt}.tmp`, pemOf(leaf), { mode: 0o600 });
            renameSync(`${rawCrt}.tmp`, rawCrt);
            process.kill(rawMaster, 'SIGUSR2');
          })),
        });
        await sleep(SETTLE_MS);
      }
    });

    const vipRotations: Rotation[] = [];
    const materialRotations: Rotation[] = [];
    /** The placements' files changed from `before` and both applied again, then a pause: the next rotation starts from a settled VIP. */
    const applied = async (before: string): Promise<void> => {
      await guarded(
        'the new files applied on both placements',
        async () => {
          const si = await instance(tlsVip.id);
          return JSON.stringify(si?.config) !== before && allApplied(si);
        },
        60_000,
        100,
      );
      await sleep(SETTLE_MS);
    };
    let inUse = certA;
    const vipLoad = await underLoad(tlsVip.address, 'vip', async () => {
      for (let i = 0; i < ROTATIONS; i++) {
        const [next, leaf] = inUse === certA ? [certB, leafB] : [certA, leafA];
        const before = JSON.stringify((await instance(tlsVip.id))?.config);
        vipRotations.push({
          kind: 'PUT vip',
          ...(await timed(tlsVip.address, leaf.fingerprint, async () => {
            await call('PUT', `/v2.0/lb/vips/${tlsVip.id}`, { vip: { tls_certificate_id: next } });
          })),
        });
        inUse = next;
        await applied(before);
      }
      for (const leaf of replacements) {
        const before = JSON.stringify((await instance(tlsVip.id))?.config);
        materialRotations.push({
          kind: 'PUT certificate',
          ...(await timed(tlsVip.address, leaf.fingerprint, async () => {
            await call('PUT', `/v2.0/lb/certificates/${inUse}`, {
              certificate: { certificate: leaf.certificatePem, private_key: leaf.privateKeyPem },
            });
          })),
        });
        await applied(before);
      }
    });

    // A failure is told by the rotation it fell into: what the bench then looks into.
    const phaseOf = (at: number, rotations: readonly Rotation[]): string => {
      const i = rotations.findIndex((r, k) => at >= r.startedAt && at < (rotations[k + 1]?.startedAt ?? Infinity));
      return i < 0
        ? 'before the first rotation'
        : `${rotations[i].kind} #${i + 1} +${Math.round(at - rotations[i].startedAt)} ms (served new at +${Math.round(rotations[i].ms)} ms)`;
    };
    const allVipRotations = [...vipRotations, ...materialRotations];
    const ms = (rs: readonly Rotation[]) => rs.map((r) => r.ms);
    const rawMs = ms(rawRotations);

    const rows: BenchRow[] = [
      {
        metric: 'HTTPS via VIP, new TLS connection per request',
        value: rps('vip'),
        unit: 'requests/s',
        floor: { metric: 'HAProxy by hand, same TLS bind (req/s)', value: rps('raw') },
      },
      {
        metric: 'HTTPS via VIP, new TLS connection per request',
        value: rps('vip'),
        unit: 'requests/s',
        floor: { metric: 'plain HTTP via VIP (req/s)', value: rps('plain') },
      },
      {
        metric: 'HTTPS via VIP, p50',
        value: p('vip', 50),
        unit: 'ms',
        floor: { metric: 'HAProxy by hand, p50 (ms)', value: p('raw', 50) },
      },
      {
        metric: 'HTTPS via VIP, p50',
        value: p('vip', 50),
        unit: 'ms',
        floor: { metric: 'plain HTTP via VIP, p50 (ms)', value: p('plain', 50) },
      },
      {
        metric: 'HTTPS via VIP, p99',
        value: p('vip', 99),
        unit: 'ms',
        floor: { metric: 'HAProxy by hand, p99 (ms)', value: p('raw', 99) },
      },
      {
        metric: 'HTTPS via VIP, p99',
        value: p('vip', 99),
        unit: 'ms',
        floor: { metric: 'plain HTTP via VIP, p99 (ms)', value: p('plain', 99) },
      },
      {
        metric: 'PUT vip (other certificate) -> new certificate served, p50',
        value: percentile(sorted(ms(vipRotations)), 50),
        unit: 'ms',
        floor: { metric: 'crt replaced + SIGUSR2 by hand, p50 (ms)', value: percentile(sorted(rawMs), 50) },
      },
      {
        metric: 'PUT vip (other certificate) -> new certificate served, max',
        value: Math.max(...ms(vipRotations)),
        unit: 'ms',
        floor: { metric: 'crt replaced + SIGUSR2 by hand, max (ms)', value: Math.max(...rawMs) },
      },
      {
        metric: 'PUT certificate (new material) -> new certificate served, p50',
        value: percentile(sorted(ms(materialRotations)), 50),
        unit: 'ms',
        floor: { metric: 'crt replaced + SIGUSR2 by hand, p50 (ms)', value: percentile(sorted(rawMs), 50) },
      },
      {
        metric: 'PUT certificate (new material) -> new certificate served, max',
        value: Math.max(...ms(materialRotations)),
        unit: 'ms',
        floor: { metric: 'crt replaced + SIGUSR2 by hand, max (ms)', value: Math.max(...rawMs) },
      },
      { metric: `requests failed across ${allVipRotations.length} VIP rotations under load`, value: vipLoad.failed, unit: 'requests' },
      { metric: 'requests made during those rotations', value: vipLoad.ok + vipLoad.failed, unit: 'requests' },
      {
        metric: `requests failed across ${rawRotations.length} by-hand reloads under the same load`,
        value: rawLoad.failed,
        unit: 'requests',
      },
      { metric: 'requests made during those reloads', value: rawLoad.ok + rawLoad.failed, unit: 'requests' },
    ];
    report('tls', rows, {
      haproxy: execFileSync('/usr/sbin/haproxy', ['-v'], { encoding: 'utf8' }).split('\n')[0],
      negotiated,
      certificate: 'EC P-256 leaf + intermediate, verified against the root',
      requests: { rounds: ROUNDS, perRound: ROUND_REQUESTS, roundMs: ROUND_MS, workers: WORKERS, newConnectionEach: true },
      answered: { vip: measured.vip.ok, plain: measured.plain.ok, raw: measured.raw.ok },
      // 0: every HTTPS request was a full handshake.
      tlsSessionsResumed: resumed,
      // Of one core: near 1, the client, not what it measures, bounds requests/s.
      clientCpuShare: Object.fromEntries(variantNames.map((v) => [v, Math.round((measured[v].cpuMs / measured[v].elapsedMs) * 100) / 100])),
      clientCpuPerRequestMs: Object.fromEntries(
        variantNames.map((v) => [v, Math.round((measured[v].cpuMs / Math.max(1, measured[v].ok)) * 100) / 100]),
      ),
      failedInThroughput: {
        vip: measured.vip.failed,
        plain: measured.plain.failed,
        raw: measured.raw.failed,
        errors: [...measured.vip.errors, ...measured.plain.errors, ...measured.raw.errors].slice(0, 10),
      },
      pollMs: POLL_MS,
      settleMs: SETTLE_MS,
      load: { workers: LOAD_WORKERS, pauseMs: LOAD_PAUSE_MS },
      vipRotationMs: ms(vipRotations).map(Math.round),
      materialRotationMs: ms(materialRotations).map(Math.round),
      rawRotationMs: rawMs.map(Math.round),
      // Of those: until the API answered the PUT.
      vipPutAnsweredMs: vipRotations.map((r) => Math.round(r.actedMs)),
      certificatePutAnsweredMs: materialRotations.map((r) => Math.round(r.actedMs)),
      certificatesServedToTheLoad: { vip: Object.keys(vipLoad.seen).length, raw: Object.keys(rawLoad.seen).length },
      vipLoadFailures: vipLoad.failures.map((f) => ({ why: f.why, when: phaseOf(f.at, allVipRotations) })),
      rawLoadFailures: rawLoad.failures.map((f) => ({ why: f.why, when: phaseOf(f.at, rawRotations) })),
    });
  } finally {
    for (const c of children) c.kill('SIGKILL');
    await Promise.all(services.map((p) => p.stop()));
    await removeNamespaces(PREFIX);
    await stack?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

export const tls = { name: 'tls', run };
