#!/usr/bin/env node
import { natsUrlFromEnv } from '@lbaas/event-log';
import { parseArgs } from 'node:util';
import { UsageError } from './cli-errors';
import { splitVerb } from './command-line';
import { GLOBAL_OPTIONS, mainHelp } from './help';
import { runVerb } from './verb-runner';
import { VERB_GROUPS, findVerb } from './verbs/catalogue';

const HELP = mainHelp(VERB_GROUPS);

async function main(argv: string[]): Promise<number> {
  const natsUrl = natsUrlFromEnv();
  const apiUrl = process.env.LBAAS_API_URL?.trim() || 'http://127.0.0.1:9696';
  let split: { verb: string | undefined; rest: string[] };
  try {
    split = splitVerb(argv, GLOBAL_OPTIONS);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`lbaas: ${error.message}; \`lbaas --help\` lists the commands and options.`);
    return 2;
  }
  const helpFor = split.verb === 'help' ? findVerb(split.rest[0] ?? '') : undefined;
  if (helpFor) return runVerb(helpFor, ['--help']);
  const neutronVerb = split.verb === undefined ? undefined : findVerb(split.verb);
  if (neutronVerb) return runVerb(neutronVerb, split.rest);
  if (split.verb === 'audit') {
    const { runAudit } = await import('./audit');
    return runAudit(split.rest);
  }
  if (split.verb === 'events') {
    const { runEvents } = await import('./events-tail');
    return runEvents(split.rest, natsUrl);
  }
  if (argv[0] === 'dev' && argv[1] === 'fabric') {
    const { runDevFabric } = await import('./dev-fabric');
    return runDevFabric(argv.slice(2));
  }
  if (argv[0] === 'dev' && argv[1] === 'kill-node') {
    const { runDevKillNode } = await import('./dev-kill-node');
    return runDevKillNode(argv.slice(2), natsUrl);
  }
  if (argv[0] === 'dev' && argv[1] === 'nodes') {
    const { runDevNodes } = await import('./dev-nodes');
    return runDevNodes(argv.slice(2), natsUrl);
  }
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    console.error(`lbaas: ${error instanceof Error ? error.message : String(error)}\n\n${HELP}`);
    return 2;
  }
  const { positionals, values } = parsed;
  const command = positionals.join(' ');
  if (values.help || command === '' || command === 'help') {
    console.log(HELP);
    return 0;
  }
  // The operations load NestJS, NATS and TypeORM (about a second); the resource verbs need none of them.
  if (command === 'status') {
    await import('reflect-metadata');
    const { collectStatus, formatReport, nodeSilenceMs, statusExitCode } = await import('./status');
    const report = await collectStatus(apiUrl, natsUrl);
    console.log(formatReport(report, Date.now(), nodeSilenceMs(process.env)));
    return statusExitCode(report.services);
  }
  if (command === 'projections rebuild') {
    await import('reflect-metadata');
    const { rebuild } = await import('./rebuild');
    const interactive = process.stderr.isTTY;
    const result = await rebuild(natsUrl, {
      // On a terminal one line redrawn in place; in a log, a line per batch.
      progress: (line) => process.stderr.write(interactive ? `\r${line}   ` : `${line}\n`),
      result: (line) => {
        if (interactive) process.stderr.write('\n');
        console.log(line);
      },
    });
    return 'error' in result ? 1 : 0;
  }
  console.error(`lbaas: unknown command '${command}'; \`lbaas --help\` lists the commands.`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`lbaas: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
