import { EVENT_TYPES, type EventEnvelope } from '@lbaas/domain';
import { followCommits, STREAM_NAME, type StoredCommit, streamLastSeq } from '@lbaas/event-log';
import type { NatsConnection } from 'nats';
import { CommandError, UsageError } from './cli-errors';
import { type OptionSpecs, parseCommandLine, type PositionalSpec } from './command-line';
import { GLOBAL_OPTIONS, optionLines } from './help';
import { connectCommand } from './nats-connection';
import { choiceValue } from './option-values';

const TAIL_FORMATS = ['table', 'json'] as const;
type TailFormat = (typeof TAIL_FORMATS)[number];

const OPTIONS: OptionSpecs = {
  aggregate: { type: 'string', metavar: 'ID', help: 'Only the events of this aggregate (a pool, VIP, network, ... id).' },
  type: {
    type: 'string',
    multiple: true,
    metavar: 'EVENT_TYPE',
    help: 'Only events of this type, e.g. PoolUpdated (repeatable; docs/events.md lists them).',
  },
  'from-start': {
    type: 'boolean',
    help: 'Replay the log from its first event, then follow it (default: only events appended from now on).',
  },
  format: {
    ...GLOBAL_OPTIONS.format,
    metavar: '{table,json}',
    help: 'A line per event (default), or a JSON object per line with the payload.',
  },
  help: GLOBAL_OPTIONS.help,
};
const POSITIONALS: readonly PositionalSpec[] = [{ name: 'COMMAND', required: true, help: 'tail' }];

export const EVENTS_HELP = [
  'usage: lbaas events tail [--aggregate ID] [--type EVENT_TYPE] [--from-start] [-f {table,json}]',
  '',
  'Follows the event log (JetStream stream LBAAS_EVENTS at $LBAAS_NATS_URL) until Ctrl-C, a line per event:',
  'stream sequence, time, aggregate/id, type and version, actor, correlation id.',
  '',
  'options:',
  ...optionLines(OPTIONS),
].join('\n');

export interface TailFilter {
  readonly aggregateId?: string;
  /** Empty: every type. */
  readonly types: readonly string[];
}

export interface TailedEvent {
  readonly seq: number;
  readonly event: EventEnvelope;
}

/** The events of a stored commit that the filter lets through, each with the commit's stream sequence. */
export function tailedEvents(stored: StoredCommit, filter: TailFilter): TailedEvent[] {
  return stored.commit.events
    .filter(
      (e) =>
        (filter.aggregateId === undefined || e.aggregateId === filter.aggregateId) &&
        (filter.types.length === 0 || filter.types.includes(e.type)),
    )
    .map((event) => ({ seq: stored.seq, event }));
}

/** `12  2026-01-15T09:30:00.000Z  pool/6f1c...  PoolCreated v1  demo  req-42`; an empty field shows as `-`. */
export function eventLine({ seq, event }: TailedEvent): string {
  const shown = (text: string) => (text === '' ? '-' : text);
  return [
    String(seq),
    event.occurredAt,
    `${event.aggregate}/${event.aggregateId}`,
    `${event.type} v${event.version}`,
    shown(event.actor),
    shown(event.correlationId),
  ].join('  ');
}

/** JSON Lines: the envelope as stored, payload included, with the commit's stream sequence. */
export const eventJsonLine = ({ seq, event }: TailedEvent): string => JSON.stringify({ seq, ...event });

/** `--type` names an event type of the catalogue: a typo would otherwise wait for ever in silence. */
export function eventTypeValue(text: string): string {
  const known = EVENT_TYPES.find((e) => e.type.toLowerCase() === text.toLowerCase());
  if (known === undefined) throw new UsageError(`argument --type: unknown event type '${text}' (docs/events.md lists them)`);
  return known.type;
}

interface TailRequest {
  readonly filter: TailFilter;
  readonly fromStart: boolean;
  readonly format: TailFormat;
}

function tailRequest(argv: readonly string[]): TailRequest {
  const args = parseCommandLine(argv, OPTIONS, POSITIONALS);
  const command = args.required('COMMAND');
  if (command !== 'tail') throw new UsageError(`unknown events command '${command}' (only 'tail')`);
  return {
    filter: { aggregateId: args.string('aggregate'), types: args.strings('type').map(eventTypeValue) },
    fromStart: args.flag('from-start'),
    format: choiceValue('format', args.string('format') ?? 'table', TAIL_FORMATS),
  };
}

/** Resolves on Ctrl-C (or SIGTERM), or when stdout is gone (`lbaas events tail | head`). */
function stopRequested(): Promise<string | null> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve(null));
    process.once('SIGTERM', () => resolve(null));
    process.stdout.once('error', () => resolve(null));
  });
}

/** `lbaas events tail ...`: the exit status. */
export async function runEvents(argv: readonly string[], natsUrl: string): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    process.stdout.write(`${EVENTS_HELP}\n`);
    return 0;
  }
  let request: TailRequest;
  try {
    request = tailRequest(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${EVENTS_HELP.split('\n')[0]}\nlbaas events: error: ${error.message}\n`);
    return 2;
  }
  const stop = stopRequested();
  let nc: NatsConnection;
  try {
    nc = await connectCommand('lbaas-cli-events-tail', natsUrl);
  } catch (error) {
    if (!(error instanceof CommandError)) throw error;
    process.stderr.write(`lbaas events: ${error.message}\n`);
    return 1;
  }
  const render = request.format === 'json' ? eventJsonLine : eventLine;
  try {
    const fromSeq = request.fromStart ? 1 : (await streamLastSeq(nc)) + 1;
    const follower = await followCommits({
      nc,
      fromSeq,
      onCommit: (stored) => {
        for (const tailed of tailedEvents(stored, request.filter)) process.stdout.write(`${render(tailed)}\n`);
      },
      onPoison: ({ seq, subject, error }) => process.stderr.write(`sequence ${seq} on ${subject} is not a commit: ${String(error)}\n`),
    });
    process.stderr.write(`following ${STREAM_NAME} from sequence ${fromSeq}; Ctrl-C stops\n`);
    const closed = nc.closed().then((error) => `the NATS connection closed${error ? `: ${error.message}` : ''}`);
    const reason = await Promise.race([stop, closed]);
    await follower.stop();
    if (reason !== null) {
      process.stderr.write(`lbaas events: ${reason}\n`);
      return 1;
    }
    return 0;
  } finally {
    if (!nc.isClosed()) await nc.drain().catch(() => undefined);
  }
}
