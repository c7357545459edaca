#!/usr/bin/env node
import 'reflect-metadata';
import { ClientProxyFactory, Transport } from '@nestjs/microservices';
import { connectNats } from '@lbaas/messaging';
import { QUERY_PATTERNS, REBUILD_PROGRESS_SUBJECT, type RebuildProgressMessage, type RebuildResult, type StatusReply } from '@lbaas/read-models';
import { JSONCodec } from 'nats';
import { parseArgs } from 'node:util';
import { firstValueFrom, timeout } from 'rxjs';

const HELP = `lbaas: the LBaaS command line

Usage:
  lbaas status                     services' health and the projections' lag behind the event log
  lbaas projections rebuild        drop the read models and replay the whole event log, with progress
  lbaas --help

Environment:
  LBAAS_NATS_URL   NATS server (default nats://127.0.0.1:4222)
  LBAAS_API_URL    API base URL (default http://127.0.0.1:9696)

The Neutron-style resource verbs (lb-pool-create, ...) come with issue 6.
`;

const natsUrl = process.env.LBAAS_NATS_URL ?? 'nats://127.0.0.1:4222';
const apiUrl = process.env.LBAAS_API_URL ?? 'http://127.0.0.1:9696';

function queries(requestTimeoutMs: number) {
  const client = ClientProxyFactory.create({ transport: Transport.NATS, options: { servers: [natsUrl], name: 'lbaas-cli' } });
  return {
    ask: <R>(pattern: string, data: object): Promise<R> => firstValueFrom(client.send<R>(pattern, data).pipe(timeout(requestTimeoutMs))),
    close: () => client.close(),
  };
}

async function probe(url: string): Promise<string> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return res.ok ? 'up' : `answers ${res.status}`;
  } catch {
    return 'down';
  }
}

async function status(): Promise<number> {
  const rows: [string, string][] = [['api', await probe(`${apiUrl}/healthz`)]];
  const q = queries(3000);
  try {
    const s = await q.ask<StatusReply>(QUERY_PATTERNS.status, {});
    rows.push(['projections', `up, at sequence ${s.checkpoint} of ${s.streamLastSeq} (lag ${s.streamLastSeq - s.checkpoint})`]);
  } catch (error) {
    rows.push(['projections', `no answer over NATS (${error instanceof Error ? error.message : String(error)})`]);
  } finally {
    await q.close();
  }
  for (const [name, state] of rows) console.log(`${name.padEnd(14)}${state}`);
  return rows.every(([, s]) => s.startsWith('up')) ? 0 : 1;
}

function bar(fraction: number, width = 30): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

async function rebuild(): Promise<number> {
  const nc = await connectNats('lbaas-cli-progress', natsUrl);
  const codec = JSONCodec<RebuildProgressMessage>();
  const progress = nc.subscribe(REBUILD_PROGRESS_SUBJECT);
  void (async () => {
    for await (const m of progress) {
      const p = codec.decode(m.data);
      const fraction = p.total > 0 ? p.position / p.total : 1;
      process.stderr.write(`\r${bar(fraction)} ${(fraction * 100).toFixed(0).padStart(3)}%  ${p.events} events  ${Math.round(p.eventsPerSecond)} events/s   `);
    }
  })();
  const q = queries(30 * 60_000);
  try {
    const result = await q.ask<RebuildResult>(QUERY_PATTERNS.rebuild, {});
    process.stderr.write('\n');
    if ('error' in result) {
      console.error(`rebuild failed: ${result.error.type}: ${result.error.message}`);
      return 1;
    }
    const rate = result.seconds > 0 ? Math.round(result.events / result.seconds) : result.events;
    console.log(`rebuilt the read models from ${result.events} events in ${result.commits} commits in ${result.seconds.toFixed(2)} s (${rate} events/s)`);
    return 0;
  } finally {
    progress.unsubscribe();
    await q.close();
    await nc.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, strict: false, options: { help: { type: 'boolean', short: 'h' } } });
  const command = positionals.join(' ');
  if (values.help || command === '' || command === 'help') {
    console.log(HELP);
    return 0;
  }
  if (command === 'status') return status();
  if (command === 'projections rebuild') return rebuild();
  console.error(`lbaas: unknown command '${command}'\n\n${HELP}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`lbaas: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
