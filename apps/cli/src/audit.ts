import {
  type AuditDatabase,
  type AuditRecord,
  AuditStore,
  auditDatabaseFromEnv,
  type ChainVerification,
  DEFAULT_AUDIT_DB,
  describeAuditDatabase,
} from '@lbaas/audit-store';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CommandError, UsageError } from './cli-errors';
import { type OptionSpecs, parseCommandLine, type PositionalSpec } from './command-line';
import { GLOBAL_OPTIONS } from './help';
import { choiceValue } from './option-values';
import { FORMATS, Output, type Row } from './output';

const OPTIONS: OptionSpecs = {
  object: {
    type: 'string',
    metavar: 'ID',
    help: 'Only the events of this object: its own stream, and events whose payload names it (a member, an address owner).',
  },
  tenant: { type: 'string', metavar: 'TENANT_ID', help: 'Only the events of this tenant.' },
  since: {
    type: 'string',
    metavar: 'ISO_TIME',
    help: 'Only the events that occurred at or after this time (ISO 8601, e.g. 2026-01-15T09:30:00Z).',
  },
  format: GLOBAL_OPTIONS.format,
  column: GLOBAL_OPTIONS.column,
  help: GLOBAL_OPTIONS.help,
};
const POSITIONALS: readonly PositionalSpec[] = [
  { name: 'COMMAND', required: false, help: 'Recompute the hash chain instead of listing records.' },
];

export const AUDIT_HELP = [
  'usage: lbaas audit [--object ID] [--tenant TENANT_ID] [--since ISO_TIME] [-f {table,json,value}] [-c COLUMN]',
  '       lbaas audit verify [-f json]',
  '',
  'Reads the audit trail the audit service keeps: the SQLite file of $LBAAS_AUDIT_DB (default .lbaas/audit.sqlite, here or in the checkout).',
  '`verify` recomputes the hash chain from the first record and checks that no stream sequence is missing:',
  'exit 0 with the number of records checked, or exit 1 naming the first broken record.',
  '',
  'options:',
  ...Object.entries(OPTIONS).map(
    ([name, spec]) =>
      `  ${`${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.type === 'string' ? ` ${spec.metavar}` : ''}`.padEnd(34)}${spec.help}`,
  ),
].join('\n');

/** The table's columns; JSON shows every field, the payload as an object. */
const TABLE_COLUMNS = ['stream_seq', 'event_index', 'occurred_at', 'event_type', 'aggregate', 'aggregate_id', 'tenant_id', 'actor'];
const ALL_COLUMNS = [
  'stream_seq',
  'event_index',
  'event_id',
  'commit_id',
  'event_type',
  'event_version',
  'aggregate',
  'aggregate_id',
  'tenant_id',
  'actor',
  'correlation_id',
  'causation_id',
  'occurred_at',
  'stored_at',
  'payload',
  'hash',
];

/** The checkout this CLI was built in (apps/cli/dist/audit.js), where `make up` keeps .lbaas/. */
const CHECKOUT = resolve(__dirname, '..', '..', '..');

/** $LBAAS_AUDIT_DB, else .lbaas/audit.sqlite here, else the checkout's, so `bin/lbaas audit` works from any directory. */
function auditDatabaseOf(env: NodeJS.ProcessEnv): AuditDatabase {
  const inCheckout = join(CHECKOUT, DEFAULT_AUDIT_DB);
  if (env.LBAAS_AUDIT_DB?.trim() || existsSync(resolve(DEFAULT_AUDIT_DB)) || !existsSync(inCheckout)) return auditDatabaseFromEnv(env);
  return { sqlitePath: inCheckout };
}

export const auditRow = (record: AuditRecord): Row => ({ ...record, payload: JSON.parse(record.payload) as unknown });

/** An ISO 8601 time as the records store it (UTC, milliseconds), so text comparison is time comparison. */
export function sinceValue(text: string): string {
  const time = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(time))
    throw new UsageError(`argument --since: expected an ISO 8601 time such as 2026-01-15T09:30:00Z, not '${text}'`);
  return new Date(time).toISOString();
}

export function verificationText(result: ChainVerification): string {
  if (!result.ok) {
    const { broken } = result;
    const event = broken.event_id === null ? '' : ` (event id ${broken.event_id})`;
    return (
      `audit trail BROKEN at stream sequence ${broken.stream_seq} event ${broken.event_index}${event}: ${broken.reason}\n` +
      `${result.checked} records before it are intact`
    );
  }
  if (result.checked === 0) return 'audit trail OK: 0 records checked (the trail is empty)';
  return `audit trail OK: ${result.checked} records checked, stream sequences ${result.firstSeq} to ${result.lastSeq} contiguous, head hash ${result.headHash}`;
}

/** `lbaas audit ...`: the exit status. */
export async function runAudit(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    process.stdout.write(`${AUDIT_HELP}\n`);
    return 0;
  }
  try {
    const args = parseCommandLine(argv, OPTIONS, POSITIONALS);
    const action = args.positional('COMMAND');
    if (action !== undefined && action !== 'verify') throw new UsageError(`unknown audit command '${action}' (only 'verify')`);
    const format = choiceValue('format', args.string('format') ?? 'table', FORMATS);
    const out = new Output(
      format,
      args.strings('column'),
      (text) => process.stdout.write(text),
      (text) => process.stderr.write(text),
    );
    const since = args.string('since');
    const query = {
      object: args.string('object'),
      tenant: args.string('tenant'),
      since: since === undefined ? undefined : sinceValue(since),
    };
    const database = auditDatabaseOf(env);
    const store = await AuditStore.open(database, { readOnly: true }).catch((error: unknown) => {
      throw new CommandError(
        `cannot open the audit store ${describeAuditDatabase(database)}: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
    try {
      if (action === 'verify') {
        const result = await store.verify();
        out.message(format === 'json' ? JSON.stringify(result, null, 2) : verificationText(result));
        return result.ok ? 0 : 1;
      }
      out.list((await store.find(query)).map(auditRow), format === 'json' ? ALL_COLUMNS : TABLE_COLUMNS);
      return 0;
    } finally {
      await store.close();
    }
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${AUDIT_HELP.split('\n\n')[0]}\nlbaas audit: error: ${error.message}\n`);
      return 2;
    }
    if (error instanceof CommandError) {
      process.stderr.write(`lbaas audit: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
