import { execFile } from 'node:child_process';

/** One command of an `ip -batch` run, and what ip may answer when it was done before (a set-up run again). */
export interface IpCommand {
  readonly args: readonly string[];
  readonly done?: RegExp;
}

/** An address, route or rule added or deleted before, a namespace made before. */
export const DONE_BEFORE = /File exists|already exists|already assigned|No such file or directory/;

/**
 * What `ip -force -batch` wrote about the lines that failed: line number (from 1) -> its
 * message. ip writes a failed line's message, then `Command failed -:<line>`. Pure.
 */
export function batchFailures(stderr: string): Map<number, string> {
  const failures = new Map<number, string>();
  let message: string[] = [];
  for (const line of stderr.split('\n')) {
    const failed = /^Command failed -:(\d+)$/.exec(line.trim());
    if (failed) {
      failures.set(Number(failed[1]), message.join(' ').trim());
      message = [];
    } else if (line.trim() !== '') message.push(line.trim());
  }
  return failures;
}

/**
 * Runs the commands in one `ip` process (in namespace `netns`, or the agent's own when null):
 * one process instead of one a command, which is most of what plumbing a namespace costs on a
 * busy machine. Every line runs (`-force`); it throws for the first that failed other than as
 * its `done` allows.
 */
export async function ipBatch(netns: string | null, commands: readonly IpCommand[]): Promise<void> {
  if (commands.length === 0) return;
  const args = [...(netns === null ? [] : ['-n', netns]), '-force', '-batch', '-'];
  const where = netns === null ? '' : ` -n ${netns}`;
  const { failed, stderr } = await new Promise<{ failed: boolean; stderr: string }>((resolve, reject) => {
    const child = execFile('ip', args, { timeout: 20_000 }, (error, _stdout, err) => {
      // A non-zero exit is any failed line: which ones, and whether that matters, is read below.
      if (error && typeof error.code !== 'number') reject(new Error(`ip${where} -batch: ${error.message}`));
      else resolve({ failed: error !== null, stderr: err });
    });
    child.stdin?.end(`${commands.map((c) => c.args.join(' ')).join('\n')}\n`);
  });
  const failures = batchFailures(stderr);
  // Failed before any line ran (a namespace that is not there).
  if (failed && failures.size === 0) throw new Error(`ip${where} -batch: ${stderr.trim()}`);
  for (const [line, message] of failures) {
    const command = commands[line - 1];
    if (command?.done?.test(message)) continue;
    throw new Error(`ip${where} ${command?.args.join(' ') ?? `(line ${line})`}: ${message}`);
  }
}
