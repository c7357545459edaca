import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { CommandError, UsageError } from './cli-errors';
import { type ParsedArgs, parseCommandLine } from './command-line';
import { type Credentials, type CredentialSources, type TokensFile, credentialsOf } from './credentials';
import { GLOBAL_OPTIONS, verbHelp, verbUsage } from './help';
import { resolveId } from './name-resolution';
import { NeutronClient } from './neutron-client';
import { type CloudsFile, cloudsFileCandidates } from './openstack-config';
import { choiceValue } from './option-values';
import { FORMATS, Output } from './output';
import type { Verb, VerbContext } from './verbs/verb';
import { systemClock } from './wait-for-status';

/** The checkout this CLI was built in (apps/cli/dist/verb-runner.js), where `make up` writes .lbaas/. */
const CHECKOUT = resolve(__dirname, '..', '..', '..');
const TOKENS_FILE = join('.lbaas', 'dev-tokens.json');

/** $LBAAS_TOKENS_FILE, else .lbaas/dev-tokens.json here, else the checkout's. */
function findTokensFile(env: NodeJS.ProcessEnv): TokensFile | null {
  const named = env.LBAAS_TOKENS_FILE;
  if (named) {
    try {
      return { path: named, text: readFileSync(named, 'utf8') };
    } catch (error) {
      throw new CommandError(`LBAAS_TOKENS_FILE=${named} cannot be read: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  for (const path of [resolve(TOKENS_FILE), join(CHECKOUT, TOKENS_FILE)]) {
    if (existsSync(path)) return { path, text: readFileSync(path, 'utf8') };
  }
  return null;
}

/** The first clouds.yaml of the OpenStack tools' search path; one named by OS_CLIENT_CONFIG_FILE must be readable. */
function findCloudsFile(candidates: readonly string[], env: NodeJS.ProcessEnv): CloudsFile | null {
  for (const path of candidates) {
    if (!existsSync(path)) {
      if (path === env.OS_CLIENT_CONFIG_FILE?.trim()) throw new CommandError(`OS_CLIENT_CONFIG_FILE=${path} does not exist.`);
      continue;
    }
    try {
      return { path, text: readFileSync(path, 'utf8') };
    } catch (error) {
      throw new CommandError(`${path} cannot be read: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return null;
}

function credentialSourcesOf(env: NodeJS.ProcessEnv): CredentialSources {
  const candidates = cloudsFileCandidates(env, process.cwd(), homedir());
  return { tokensFile: () => findTokensFile(env), cloudsFile: () => findCloudsFile(candidates, env), cloudsSearched: candidates };
}

function contextOf(args: ParsedArgs, credentials: Credentials): VerbContext {
  const api = new NeutronClient(credentials.url, credentials.token);
  const format = choiceValue('format', args.string('format') ?? 'table', FORMATS);
  return {
    api,
    out: new Output(
      format,
      args.strings('column'),
      (text) => process.stdout.write(text),
      (text) => process.stderr.write(text),
    ),
    resolve: (kind, nameOrId) =>
      resolveId(
        (k, field, value) =>
          api.list(k, [
            [field, value],
            ['fields', 'id'],
          ]),
        kind,
        nameOrId,
      ),
    clock: systemClock,
    stderrIsTerminal: process.stderr.isTTY === true,
  };
}

/** A help flag before any `--`: help wins over a command line that is incomplete. */
function asksForHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((a) => a === '-h' || a === '--help');
}

/**
 * Runs one Neutron-style verb: parse, authenticate, act, print. Usage errors exit 2 with the
 * verb's usage; API errors (the NeutronError's message), unknown names and unreachable
 * endpoints exit 1.
 */
export async function runVerb(verb: Verb, argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (asksForHelp(argv)) {
    process.stdout.write(`${verbHelp(verb)}\n`);
    return 0;
  }
  try {
    const args = parseCommandLine(argv, { ...GLOBAL_OPTIONS, ...verb.options }, verb.positionals);
    const credentials = await credentialsOf(
      {
        osUrl: args.string('os-url'),
        osToken: args.string('os-token'),
        osTenant: args.string('os-tenant'),
        osCloud: args.string('os-cloud'),
      },
      env,
      credentialSourcesOf(env),
    );
    return await verb.run(contextOf(args, credentials), args);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${verbUsage(verb)}\nlbaas ${verb.name}: error: ${error.message}\nSee 'lbaas ${verb.name} --help'.\n`);
      return 2;
    }
    if (error instanceof CommandError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
