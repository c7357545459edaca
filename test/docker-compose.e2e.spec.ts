import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';

/** docker-compose.yml must run what the build produces, the way `make up` runs it. */
interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  privileged?: boolean;
  ports?: string[];
  volumes?: (string | { type: string; source: string; target: string; read_only?: boolean; volume?: { subpath?: string } })[];
  environment?: Record<string, string>;
  depends_on?: string[] | Record<string, { condition: string }>;
}

const root = join(__dirname, '..');
const compose = load(readFileSync(join(root, 'docker-compose.yml'), 'utf8')) as { services: Record<string, ComposeService> };
const services = Object.entries(compose.services);
const ours = services.filter(([name]) => name !== 'nats');

describe('docker-compose.yml', () => {
  it('runs NATS with JetStream on a volume, configured with the users nats-credentials writes first', () => {
    const nats = compose.services.nats;
    expect(nats.image).toMatch(/^nats:2\./);
    expect(nats.command).toEqual(['-c', '/etc/nats/nats.conf']);
    expect(nats.depends_on).toMatchObject({ 'nats-credentials': { condition: 'service_completed_successfully' } });
    expect(nats.volumes).toContainEqual('nats-data:/data');
    expect(nats.volumes).toContainEqual(
      expect.objectContaining({ source: 'nats-credentials', target: '/etc/nats', read_only: true, volume: { subpath: 'server' } }),
    );
  });

  it('signs every service in to NATS as its own user, with a password mount of its own', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lbt-compose-'));
    try {
      execFileSync(process.execPath, [join(root, 'scripts', 'nats-credentials.js'), dir]);
      const users = readdirSync(dir).filter((d) => d !== 'server');
      const natsClients = ours.filter(([, s]) => s.command?.[1]?.startsWith('apps/'));
      expect(natsClients.length).toBe(9);
      for (const [name, service] of natsClients) {
        const user = service.environment?.LBAAS_NATS_USER;
        expect([name, user]).toEqual([name, name]);
        expect(users).toContain(user);
        const mounts = (service.volumes ?? []).filter((v) => typeof v !== 'string' && v.source === 'nats-credentials');
        expect(mounts).toEqual([expect.objectContaining({ target: '/run/lbaas-nats', read_only: true, volume: { subpath: user } })]);
        expect(service.environment?.LBAAS_NATS_PASSWORD_FILE).toBe('/run/lbaas-nats/password');
      }
      // The readers of the log may not append to it.
      const conf = readFileSync(join(dir, 'server', 'users.conf'), 'utf8');
      for (const reader of ['projections', 'audit', 'dashboard'])
        expect(conf).toMatch(new RegExp(`user: "${reader}".*deny: \\["lbaas\\.events\\.>"\\]`));
      expect(conf).not.toMatch(/user: "api".*deny/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(ours)('%s runs a file of the build, from the image the Dockerfile builds', (_name, service) => {
    expect(service.build).toBe('.');
    expect(service.command?.[0]).toBe('node');
    expect(existsSync(join(root, service.command?.[1] ?? 'no command'))).toBe(true);
  });

  it('has every app of apps/ but the cli, and three privileged node agents', () => {
    const scripts = services.map(([, s]) => s.command?.[1]);
    for (const app of ['api', 'projections', 'scheduler', 'config-renderer', 'audit', 'dashboard', 'node-agent']) {
      expect(scripts).toContain(`apps/${app}/dist/main.js`);
    }
    const agents = services.filter(([, s]) => s.command?.[1] === 'apps/node-agent/dist/main.js');
    expect(agents.map(([, s]) => s.command?.[2]).sort()).toEqual(['compute-node-1', 'compute-node-2', 'compute-node-3']);
    expect(agents.every(([, s]) => s.privileged === true)).toBe(true);
  });

  it('gives the api the tokens file that the tokens service writes first', () => {
    const api = compose.services.api;
    const tokens = compose.services.tokens;
    expect(api.depends_on).toMatchObject({ tokens: { condition: 'service_completed_successfully' } });
    const written = tokens.command?.[2] ?? '';
    expect(api.environment?.LBAAS_TOKENS_FILE).toBe(written);
    const volumeAt = (s: ComposeService, dir: string) =>
      s.volumes
        ?.flatMap((v) => (typeof v === 'string' ? [v] : []))
        .find((v) => v.split(':')[1] === dir)
        ?.split(':')[0];
    const dir = written.slice(0, written.lastIndexOf('/'));
    expect(volumeAt(api, dir)).toBeDefined();
    expect(volumeAt(api, dir)).toBe(volumeAt(tokens, dir));
  });

  it('publishes ports on the loopback interface only', () => {
    const published = services.flatMap(([, s]) => s.ports ?? []);
    expect(published.length).toBeGreaterThan(0);
    expect(published.filter((p) => !p.startsWith('127.0.0.1:'))).toEqual([]);
  });
});
