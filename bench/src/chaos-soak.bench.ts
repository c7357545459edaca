import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { report } from './report';

/** Every service killed this many times over: the CI run kills each once. */
const SOAK_CYCLES = 4;
const REPO = join(__dirname, '..', '..');

/** `lost`: acknowledged writes not in the log exactly once (missing, or there twice). */
interface ChaosReport {
  readonly cycles: number;
  readonly kills: number;
  readonly acknowledged: number;
  readonly lost: number;
  readonly loadSeconds: number;
}

/** The chaos e2e spec (test/chaos) with LBAAS_CHAOS_CYCLES set, its own checks included; its report. */
function chaosRun(cycles: number, signal: AbortSignal): Promise<ChaosReport> {
  const dir = mkdtempSync(join(tmpdir(), 'lbb-chaos-'));
  const file = join(dir, 'report.json');
  return new Promise<ChaosReport>((resolve, reject) => {
    execFile(
      'npx',
      ['jest', '--selectProjects', 'e2e', '--runInBand', '--testPathPattern', 'test/chaos/'],
      {
        cwd: REPO,
        signal,
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, LBAAS_CHAOS_CYCLES: String(cycles), LBAAS_CHAOS_REPORT: file },
      },
      (error, _stdout, stderr) => {
        try {
          // The report is written before the last checks, so a run that lost writes still says how many.
          const result = JSON.parse(readFileSync(file, 'utf8')) as ChaosReport;
          if (error && result.lost === 0) reject(new Error(`the chaos run failed a check:\n${stderr.slice(-4000)}`));
          else resolve(result);
        } catch {
          reject(new Error(`the chaos run wrote no report:\n${stderr.slice(-4000)}`));
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    );
  });
}

/**
 * A longer soak of the chaos test: every service SIGKILLed SOAK_CYCLES times under the same
 * bounded load, against the same load with no kill at all (the floor). Goal: 0 writes lost.
 */
async function run(signal: AbortSignal): Promise<void> {
  const floor = await chaosRun(0, signal);
  const soak = await chaosRun(SOAK_CYCLES, signal);
  const rate = (r: ChaosReport) => r.acknowledged / r.loadSeconds;
  report(
    'chaos-soak',
    [
      { metric: 'acknowledged writes lost', value: soak.lost, unit: 'writes' },
      { metric: 'acknowledged writes', value: soak.acknowledged, unit: 'writes' },
      { metric: 'services SIGKILLed and restarted', value: soak.kills, unit: 'kills' },
      {
        metric: 'acknowledged writes/s under the kills',
        value: rate(soak),
        unit: 'writes/s',
        floor: { metric: 'same load, no kill (writes/s)', value: rate(floor) },
      },
    ],
    { soak, floor },
  );
}

export const chaosSoak = { name: 'chaos-soak', run };
