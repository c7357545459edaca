import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { request } from 'node:https';
import { connect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { baseHaproxyInput, baseKeepalivedInput, type HaproxyInput, memberOf, renderPlacement, withMembers, withVip } from '@lbaas/haproxy';
import { type IssuedCertificate, makeTestCa, type TestCa } from '@lbaas/testing';
import { processesWithArgument } from './daemons';
import { networkOf, type PlacementSpec } from './placement-driver';
import { ProcessDriver } from './process-driver';

const run = promisify(execFile);

/** This run's own corner of the fabric and its loopback image, apart from the other driver spec's. */
const NET = 230 + (process.pid % 20);
const VIP = `198.18.${NET}.171`;
const MEMBER = `198.18.${NET}.172`;
const LOOPBACK_VIP = VIP.replace('198.', '127.');
const OFFSET = 20000;
const PORT = 443 + OFFSET;
const MEMBER_PORT = 18080;
const HOST = 'www.lbaas.test';
const ROOT = process.getuid?.() === 0;

const work = mkdtempSync(join(tmpdir(), 'lbp-tls-'));
const runRoot = join(work, 'run');
const instanceId = randomUUID();
const vmId = randomUUID();
const certificateId = randomUUID();
const runDir = join(runRoot, vmId);

const memberId = randomUUID();
const placement = (leaf: IssuedCertificate): PlacementSpec => {
  const input: HaproxyInput = {
    ...withMembers(() => [{ ...memberOf(41, MEMBER, { protocolPort: MEMBER_PORT }), id: memberId }])(
      withVip({
        address: VIP,
        protocolPort: 443,
        tls: { certificateId, fingerprint: leaf.fingerprint },
        insertHeaders: { forwardedFor: true, forwardedPort: true, forwardedProto: true },
      })(baseHaproxyInput()),
    ),
    instanceId,
    runDir,
  };
  const vrrpAddress = `198.19.${NET}.171`;
  const r = renderPlacement(input, {
    ...baseKeepalivedInput(),
    instanceId,
    vmId,
    runDir,
    vrrpAddress,
    vip: { address: VIP, prefixLength: 24 },
  });
  return {
    instanceId,
    vmId,
    role: 'active',
    vrrpAddress,
    haproxy: r.haproxy,
    keepalived: r.keepalived,
    bundle: r.bundle,
    floatingAddresses: [],
    tlsFiles: r.bundle.haproxy.tlsFiles.map((f) => ({ path: f.path, pem: leaf.certificatePem + leaf.privateKeyPem })),
  };
};

/** curl as a client of the fabric would: the VIP's name resolved to its loopback image, the test CA trusted. */
async function curl(ca: TestCa): Promise<{ status: string; body: string }> {
  const { stdout } = await run('curl', [
    '-sS',
    '--max-time',
    '5',
    '--cacert',
    ca.certPath,
    '--resolve',
    `${HOST}:${PORT}:${LOOPBACK_VIP}`,
    '-w',
    '\n%{http_code}',
    `https://${HOST}:${PORT}/`,
  ]);
  const lines = stdout.trimEnd().split('\n');
  return { status: lines.pop() ?? '', body: lines.join('\n').trimEnd() };
}

/** The SHA-256 fingerprint of the certificate the VIP presents for the host name, verified against the CA. */
function servedFingerprint(ca: TestCa): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: LOOPBACK_VIP, port: PORT, servername: HOST, ca: ca.certificatePem, ALPNProtocols: ['http/1.1'] }, () => {
      const fingerprint = socket.getPeerCertificate().fingerprint256.replace(/:/g, '').toLowerCase();
      socket.end();
      resolve(fingerprint);
    });
    socket.on('error', reject);
  });
}

/** One HTTPS request on a new connection; the error's message when it fails. */
function httpsGet(ca: TestCa): Promise<string | null> {
  return new Promise((resolve) => {
    const req = request(
      { host: LOOPBACK_VIP, port: PORT, servername: HOST, ca: ca.certificatePem, headers: { host: HOST }, agent: false, timeout: 5000 },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 200 ? null : `status ${res.statusCode}`));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (error) => resolve(error.message));
    req.end();
  });
}

const mode = (path: string): number => statSync(path).mode & 0o777;

describe('ProcessDriver terminating TLS with a tenant certificate (real HAProxy, no root needed)', () => {
  let ca: TestCa;
  let first: IssuedCertificate;
  let second: IssuedCertificate;
  let backend: Server;
  const seen: Record<string, string | undefined>[] = [];
  const driver = new ProcessDriver({ runRoot, portOffset: OFFSET, root: ROOT });

  beforeAll(async () => {
    ca = await makeTestCa(join(work, 'ca'));
    [first, second] = [await ca.issue([HOST]), await ca.issue([HOST], { intermediate: true })];
    backend = createServer((req, res) => {
      seen.push({
        proto: req.headers['x-forwarded-proto'] as string,
        port: req.headers['x-forwarded-port'] as string,
        for: req.headers['x-forwarded-for'] as string,
      });
      res.end(`plain http behind the VIP\n`);
    });
    await new Promise<void>((resolve) => backend.listen(MEMBER_PORT, MEMBER.replace('198.', '127.'), resolve));
  });

  afterAll(async () => {
    await driver.remove(vmId).catch(() => undefined);
    for (const pid of processesWithArgument(join(runDir, 'haproxy.cfg'))) process.kill(pid, 'SIGKILL');
    await new Promise((resolve) => backend?.close(resolve));
    rmSync(work, { recursive: true, force: true });
  });

  it('serves https with the certificate to a client that trusts the CA, plain http to the member, which sees X-Forwarded-Proto https', async () => {
    await driver.plumb(networkOf(placement(first)));
    await driver.startHaproxy(placement(first));
    expect(await curl(ca)).toEqual({ status: '200', body: 'plain http behind the VIP' });
    expect(seen.at(-1)).toEqual({ proto: 'https', port: '443', for: '127.0.0.1' });
    expect(await servedFingerprint(ca)).toBe(first.fingerprint);
  });

  it('keeps the key in a file of mode 0600 in <runDir>/tls, mode 0700, named by certificate and fingerprint', () => {
    const tls = join(runDir, 'tls');
    expect(mode(tls)).toBe(0o700);
    expect(readdirSync(tls)).toEqual([`${certificateId}-${first.fingerprint.slice(0, 16)}.pem`]);
    const file = join(tls, readdirSync(tls)[0]);
    expect(mode(file)).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toBe(first.certificatePem + first.privateKeyPem);
  });

  it('serves a replaced certificate after a seamless reload that fails no request made meanwhile, and removes the old file', async () => {
    const master = readFileSync(join(runDir, 'haproxy.pid'), 'utf8');
    const failures: string[] = [];
    let requests = 0;
    let rotating = true;
    const load = (async () => {
      while (rotating) {
        const failure = await httpsGet(ca);
        requests++;
        if (failure !== null) failures.push(failure);
      }
    })();
    await driver.reloadHaproxy(placement(second));
    // A few more after the reload, which the new worker serves.
    for (let i = 0; i < 5; i++) {
      const failure = await httpsGet(ca);
      if (failure !== null) failures.push(failure);
    }
    rotating = false;
    await load;
    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(0);
    expect(readFileSync(join(runDir, 'haproxy.pid'), 'utf8')).toBe(master);
    expect(await servedFingerprint(ca)).toBe(second.fingerprint);
    expect(await curl(ca)).toEqual({ status: '200', body: 'plain http behind the VIP' });
    expect(readdirSync(join(runDir, 'tls'))).toEqual([`${certificateId}-${second.fingerprint.slice(0, 16)}.pem`]);
  });

  it('reloads when the same certificate file gets other bytes (a new chain for the same leaf), which the runtime API cannot apply', async () => {
    const master = readFileSync(join(runDir, 'haproxy.pid'), 'utf8').trim();
    const workers = () =>
      processesWithArgument(join(runDir, 'haproxy.cfg'))
        .filter((pid) => String(pid) !== master)
        .sort();
    const before = workers();
    const p = placement(second);
    const rechained = { ...p, tlsFiles: [{ ...p.tlsFiles[0], pem: second.certificatePem + ca.certificatePem + second.privateKeyPem }] };
    await driver.reloadHaproxy(rechained);
    expect(workers()).not.toEqual(before);
    expect(readFileSync(p.tlsFiles[0].path, 'utf8')).toBe(rechained.tlsFiles[0].pem);
    expect(await curl(ca)).toEqual({ status: '200', body: 'plain http behind the VIP' });
    await driver.reloadHaproxy(p);
  });

  it("refuses a TLS file outside the placement's run directory, and the running HAProxy keeps serving", async () => {
    const p = placement(second);
    const outside = { ...p, tlsFiles: [{ path: join(work, 'elsewhere.pem'), pem: p.tlsFiles[0].pem }] };
    await expect(driver.reloadHaproxy(outside)).rejects.toThrow(/refusing the TLS file .*elsewhere\.pem.*: not a \.pem file in /);
    expect(existsSync(join(work, 'elsewhere.pem'))).toBe(false);
    expect(await servedFingerprint(ca)).toBe(second.fingerprint);
  });

  it('takes the TLS files away with the placement', async () => {
    await driver.remove(vmId);
    expect(existsSync(runDir)).toBe(false);
    expect(processesWithArgument(join(runDir, 'haproxy.cfg'))).toEqual([]);
    await expect(curl(ca)).rejects.toThrow();
  });
});
