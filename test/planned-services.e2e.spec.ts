import { builtService, freePort, waitFor } from '@lbaas/testing';
import { spawn } from 'node:child_process';
import { once } from 'node:events';

/** The services whose issues are still open run as placeholders that say so, and stop cleanly. */
const PLANNED = [
  { app: 'dashboard', issue: 6, args: [] },
  { app: 'audit', issue: 6, args: [] },
];

describe.each(PLANNED)('the $app placeholder', ({ app, issue, args }) => {
  it(`answers health checks, names issue ${issue}, and exits 0 on SIGTERM`, async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [builtService(app), ...args], {
      env: { ...process.env, LBAAS_HEALTH_PORT: String(port), LBAAS_HEALTH_HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let logs = '';
    child.stdout.on('data', (d: Buffer) => (logs += d.toString()));
    child.stderr.on('data', (d: Buffer) => (logs += d.toString()));
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    try {
      await waitFor(`${app} /healthz`, async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.ok === true, 30_000);
      const health = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as Record<string, unknown>;
      expect(health).toMatchObject({ status: 'ok', service: app, implemented: false, issue, ...(args[0] ? { node: args[0] } : {}) });
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      expect(logs).toContain(`placeholder until issue ${issue}`);

      child.kill('SIGTERM');
      expect(await exited).toEqual([0, null]);
      expect(logs).toContain('stopping on SIGTERM');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});
