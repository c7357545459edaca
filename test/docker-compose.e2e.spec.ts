import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';

/** docker-compose.yml must run what the build produces: every node command names a built file. */
interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  privileged?: boolean;
}

const root = join(__dirname, '..');
const compose = load(readFileSync(join(root, 'docker-compose.yml'), 'utf8')) as { services: Record<string, ComposeService> };
const services = Object.entries(compose.services);

describe('docker-compose.yml', () => {
  it('runs NATS with JetStream', () => {
    expect(compose.services.nats.command).toContain('-js');
  });

  it.each(services.filter(([name]) => name !== 'nats'))('%s runs a file of the build', (_name, service) => {
    expect(service.command?.[0]).toBe('node');
    const script = service.command?.[1] ?? '';
    expect(existsSync(join(root, script))).toBe(true);
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
});
