import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_TYPES } from './catalogue';

const CATALOGUE = join(__dirname, '../../../docs/events.md');

interface DocumentedEvent {
  type: string;
  version: number;
  aggregate: string;
}

/** A catalogue row is a table row whose third cell is a subject; anything else in the document is prose. */
function catalogueRows(markdown: string): { line: string; event: DocumentedEvent | null }[] {
  return markdown.split('\n').flatMap((line) => {
    // `\|` is a pipe inside a cell (for example in `string \| null`), not a cell border.
    const cells = line.trim().startsWith('|') ? line.split(/(?<!\\)\|/).slice(1, -1).map((cell) => cell.trim()) : [];
    if (!cells[2]?.includes('lbaas.events.')) return [];
    const type = /^`([A-Z][A-Za-z]+)`$/.exec(cells[0]);
    const version = /^[1-9]\d*$/.exec(cells[1]);
    const subject = /^`lbaas\.events\.([a-z]+)\.<[A-Za-z]+>`$/.exec(cells[2]);
    return [{ line, event: type && version && subject ? { type: type[1], version: Number(version[0]), aggregate: subject[1] } : null }];
  });
}

const rows = catalogueRows(readFileSync(CATALOGUE, 'utf8'));
const documented = rows.flatMap((row) => (row.event ? [row.event] : []));
const key = (e: { type: string; version: number }) => `${e.type} v${e.version}`;

describe('the event catalogue docs/events.md', () => {
  it('gives every row a type, a version and a subject', () => expect(rows.filter((row) => row.event === null).map((row) => row.line)).toEqual([]));

  it('documents every event type of EVENT_TYPES at its version', () => {
    const inDocument = new Set(documented.map(key));
    expect(EVENT_TYPES.map(key).filter((k) => !inDocument.has(k))).toEqual([]);
  });

  it('lists no event type, or version, that EVENT_TYPES does not have', () => {
    const known = new Set(EVENT_TYPES.map(key));
    expect(documented.map(key).filter((k) => !known.has(k))).toEqual([]);
  });

  it('lists each event type once', () => {
    const types = documented.map((e) => e.type);
    expect(types.filter((type, i) => types.indexOf(type) !== i)).toEqual([]);
  });

  it('puts each event type on its aggregate\'s subject', () => {
    const aggregateOf = new Map<string, string>(EVENT_TYPES.map((e) => [e.type, e.aggregate]));
    expect(documented.filter((e) => aggregateOf.has(e.type) && aggregateOf.get(e.type) !== e.aggregate).map((e) => `${e.type} on ${e.aggregate}`)).toEqual([]);
  });
});
