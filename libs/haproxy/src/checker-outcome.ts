import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Outcome {
  code: number;
  output: string;
}

/** Runs a checker (haproxy -c, keepalived -t) and gives its exit code and words, never throwing; for the specs against the real binaries. */
export async function outcome(command: string, args: string[]): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(command, args, { timeout: 20_000 });
    return { code: 0, output: `${stderr}${stdout}`.trim() };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, output: `${failed.stderr ?? ''}${failed.stdout ?? ''}`.trim() };
  }
}
