import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { haproxyQuoted } from './config-string';

const run = promisify(execFile);
const CHECK_TIMEOUT_MS = 10_000;

/** What HAProxy said of a regex it would not compile, e.g. "missing closing parenthesis (at offset 4)". */
export type RegexVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** A configuration whose only doubtful part is one ACL with the regex, quoted as the renderer quotes values. */
const probe = (regex: string): string =>
  [
    'defaults',
    '  mode http',
    '  timeout client 1s',
    '  timeout server 1s',
    '  timeout connect 1s',
    'frontend probe',
    '  bind 127.0.0.1:1',
    `  acl probe path -m reg ${haproxyQuoted(regex)}`,
    '  http-request deny if probe',
    '',
  ].join('\n');

const PCRE_ERROR = /is invalid \(error=(.+?), erroffset=(\d+)\)/;

/**
 * Compiles a regex with HAProxy's own PCRE2 (`haproxy -c` on a probe configuration), so an L7
 * rule HAProxy would refuse is refused at the API with PCRE2's words, not later by the renderer.
 * Rejects (throws) only when the checker itself cannot run.
 */
export async function checkRegexWithHaproxy(haproxyBin: string, regex: string): Promise<RegexVerdict> {
  const dir = await mkdtemp(join(tmpdir(), 'lbaas-regex-'));
  const file = join(dir, 'probe.cfg');
  try {
    await writeFile(file, probe(regex), { mode: 0o600 });
    await run(haproxyBin, ['-c', '-f', file], { timeout: CHECK_TIMEOUT_MS });
    return { ok: true };
  } catch (error) {
    const failed = error as { code?: unknown; stderr?: string; stdout?: string };
    if (typeof failed.code !== 'number') throw error;
    const output = `${failed.stderr ?? ''}${failed.stdout ?? ''}`;
    const pcre = PCRE_ERROR.exec(output);
    return { ok: false, reason: pcre ? `${pcre[1]} (at offset ${pcre[2]})` : 'HAProxy cannot compile it' };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
