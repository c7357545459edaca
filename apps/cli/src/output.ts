import { UsageError } from './cli-errors';
import { cellText, renderTable } from './table';

export const FORMATS = ['table', 'json', 'value'] as const;
export type Format = (typeof FORMATS)[number];
export type Row = Record<string, unknown>;

// The API never answers a certificate's private key; should one ever come back, it is still not printed.
const NEVER_SHOWN: ReadonlySet<string> = new Set(['private_key']);
const showable = (field: string) => !NEVER_SHOWN.has(field);

/** The fields to show: the ones asked for with -c (in that order), else all of them, sorted. */
function fieldsOf(resource: Row, columns: readonly string[]): string[] {
  if (columns.length === 0) return Object.keys(resource).filter(showable).sort();
  const known = columns.filter((c) => c in resource && showable(c));
  if (known.length === 0) throw new UsageError(`No recognized column names in ${columns.map((c) => `'${c}'`).join(', ')}`);
  return known;
}

/** One resource: a Field | Value table, a JSON object, or the bare values one per line. */
export function renderResource(resource: Row, format: Format, columns: readonly string[] = []): string {
  const fields = fieldsOf(resource, columns);
  switch (format) {
    case 'json':
      return JSON.stringify(Object.fromEntries(fields.map((f) => [f, resource[f]])), null, 2);
    case 'value':
      return fields.map((f) => cellText(resource[f])).join('\n');
    case 'table':
      return renderTable(
        ['Field', 'Value'],
        fields.map((f) => [f, cellText(resource[f])]),
      );
  }
}

/**
 * Several resources in columns: the list's default ones, or the ones asked for with -c.
 * `shown` gives the table and value formats a friendlier text for a raw field; JSON keeps the raw one.
 */
export function renderList(
  rows: readonly Row[],
  format: Format,
  defaults: readonly string[],
  columns: readonly string[] = [],
  shown: (row: Row, column: string) => unknown = (row, column) => row[column],
): string {
  const picked = (columns.length > 0 ? columns : defaults).filter(showable);
  switch (format) {
    case 'json':
      return JSON.stringify(
        rows.map((row) => Object.fromEntries(picked.map((c) => [c, row[c] ?? null]))),
        null,
        2,
      );
    case 'value':
      return rows.map((row) => picked.map((c) => cellText(shown(row, c))).join(' ')).join('\n');
    case 'table':
      // Like the neutron CLI, an empty list prints nothing at all.
      return rows.length === 0
        ? ''
        : renderTable(
            picked,
            rows.map((row) => picked.map((c) => cellText(shown(row, c)))),
          );
  }
}

/** Where a verb writes: results on stdout in the chosen format, progress and notes on stderr. */
export class Output {
  constructor(
    readonly format: Format,
    readonly columns: readonly string[],
    private readonly stdout: (text: string) => void,
    private readonly stderr: (text: string) => void,
  ) {}

  /** A created, updated or shown resource; the heading ("Created a new pool:") only above a table. */
  resource(resource: Row, heading?: string): void {
    if (heading !== undefined && this.format === 'table') this.stdout(`${heading}\n`);
    this.stdout(`${renderResource(resource, this.format, this.columns)}\n`);
  }

  list(rows: readonly Row[], defaults: readonly string[], shown?: (row: Row, column: string) => unknown): void {
    const text = renderList(rows, this.format, defaults, this.columns, shown);
    if (text !== '') this.stdout(`${text}\n`);
  }

  /** What an action without a resource to show did ("Deleted pool: mypool"). */
  message(text: string): void {
    this.stdout(`${text}\n`);
  }

  note(text: string): void {
    this.stderr(`${text}\n`);
  }

  /** A status line that rewrites itself on a terminal and is printed once per change elsewhere. */
  progress(text: string, final: boolean, isTerminal: boolean): void {
    if (isTerminal) this.stderr(`\r\x1b[K${text}${final ? '\n' : ''}`);
    else this.stderr(`${text}\n`);
  }
}
