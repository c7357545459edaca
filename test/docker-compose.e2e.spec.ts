import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';

/** docker-compose.yml must run what the build produces, the way `make up` runs it. */
interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  privileged?: boolean;
  ports?: string[];
  volumes?: string[];
  environment?: Record<string, string>;
  depends_on?: string[] | Record<string, { condition: string }>;
}

const root = join(__dirname, '..');
const compose = load(readFileSync(join(root, 'docker-compose.yml'), 'utf8')) as { services: Record<string, ComposeService> };
const services = Object.entries(compose.services);
const ours = services.filter(([name]) => name !== 'nats');

describe('docker-compose.yml', () => {
  it('runs NATS with JetStream on a volume', () => {
    expect(compose.services.nats.image).toMatch(/^nats:2\./);
    expect(compose.services.nats.command).toContain('-js');
    expect(compose.services.nats.volumes?.length).toBe(1);
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
    const volumeAt = (s: ComposeService, dir: string) => s.volumes?.find((v) => v.split(':')[1] === dir)?.split(':')[0];
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
