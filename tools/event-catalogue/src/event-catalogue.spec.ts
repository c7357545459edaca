import { EVENT_TYPES, poolDecider } from '@lbaas/domain';
import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { eventCatalogueDocument, type EventCatalogueDocument } from './event-catalogue-document';
import { eventCatalogueFiles } from './event-catalogue-files';

const [DOCUMENT, PAGE] = eventCatalogueFiles();

interface DocumentedEvent {
  type: string;
  version: number;
  aggregate: string;
}

/** A catalogue row is a table row whose third cell is a subject; anything else in the page is prose. */
function catalogueRows(markdown: string): { line: string; event: DocumentedEvent | null }[] {
  return markdown.split('\n').flatMap((line) => {
    // `\|` is a pipe inside a cell (for example in `string \| null`), not a cell border.
    const cells = line.trim().startsWith('|')
      ? line
          .split(/(?<!\\)\|/)
          .slice(1, -1)
          .map((cell) => cell.trim())
      : [];
    if (!cells[2]?.includes('lbaas.events.')) return [];
    const type = /^`([A-Z][A-Za-z0-9]+)`$/.exec(cells[0]);
    const version = /^[1-9]\d*$/.exec(cells[1]);
    const subject = /^`lbaas\.events\.([a-z]+)\.<[A-Za-z]+>`$/.exec(cells[2]);
    return [{ line, event: type && version && subject ? { type: type[1], version: Number(version[0]), aggregate: subject[1] } : null }];
  });
}

const committedDocument = JSON.parse(readFileSync(DOCUMENT.path, 'utf8')) as EventCatalogueDocument;
const rows = catalogueRows(readFileSync(PAGE.path, 'utf8'));
const key = (e: { type: string; version: number }) => `${e.type} v${e.version}`;

/** The events of docs/asyncapi.json: each channel's messages, with the version of each. */
const inDocument: DocumentedEvent[] = Object.entries(committedDocument.channels).flatMap(([aggregate, channel]) =>
  Object.keys(channel.messages).map((type) => ({
    type,
    version: committedDocument.components.messages[type]?.['x-event-version'],
    aggregate,
  })),
);

describe.each([
  { name: 'docs/asyncapi.json', documented: inDocument },
  { name: 'docs/events.md', documented: rows.flatMap((row) => (row.event ? [row.event] : [])) },
])('the event catalogue $name', ({ documented }) => {
  it('documents every event type of EVENT_TYPES at its version', () => {
    const listed = new Set(documented.map(key));
    expect(EVENT_TYPES.map(key).filter((k) => !listed.has(k))).toEqual([]);
  });

  it('lists no event type, or version, that EVENT_TYPES does not have', () => {
    const known = new Set(EVENT_TYPES.map(key));
    expect(documented.map(key).filter((k) => !known.has(k))).toEqual([]);
  });

  it('lists each event type once', () => {
    const types = documented.map((e) => e.type);
    expect(types.filter((type, i) => types.indexOf(type) !== i)).toEqual([]);
  });

  it("puts each event type on its aggregate's subject", () => {
    const aggregateOf = new Map<string, string>(EVENT_TYPES.map((e) => [e.type, e.aggregate]));
    expect(
      documented
        .filter((e) => aggregateOf.has(e.type) && aggregateOf.get(e.type) !== e.aggregate)
        .map((e) => `${e.type} on ${e.aggregate}`),
    ).toEqual([]);
  });
});

describe('the committed event catalogue', () => {
  it('gives every row of docs/events.md a type, a version and a subject', () =>
    expect(rows.filter((row) => row.event === null).map((row) => row.line)).toEqual([]));

  it.each([DOCUMENT, PAGE].map((file) => ({ ...file, name: relative(join(__dirname, '..', '..', '..'), file.path) })))(
    '$name is what `npm run asyncapi` writes',
    ({ path, text }) => {
      expect(readFileSync(path, 'utf8')).toBe(text);
    },
  );
});

describe("the AsyncAPI document's schemas, in a JSON Schema validator", () => {
  const doc = eventCatalogueDocument();
  const ajv = new Ajv({ strict: true, allErrors: true });
  // The document's own keywords are not JSON Schema; known to Ajv, they let strict mode check the schemas inside.
  ajv.addVocabulary(['asyncapi', 'info', 'defaultContentType', 'servers', 'channels', 'operations', 'components']);
  ajv.addSchema(JSON.parse(JSON.stringify(doc)) as object, 'asyncapi');
  const payloadOf = (type: string) => ajv.getSchema(`asyncapi#/components/messages/${type}/payload`);
  const headersOf = (type: string) => ajv.getSchema(`asyncapi#/components/messages/${type}/headers`);

  const metadata = {
    id: '01934f2a-8c1e-7b3d-9a45-6e2f1c0d8b7a',
    aggregate: 'pool',
    aggregateId: 'pool-1',
    occurredAt: '2026-01-15T09:30:00.000Z',
    tenantId: 'tenant-a',
    actor: 'demo',
    correlationId: 'req-1',
    causationId: null,
  };
  const decided = poolDecider.decide(
    {
      type: 'CreatePool',
      data: {
        poolId: 'pool-1',
        tenantId: 'tenant-a',
        name: 'web',
        description: '',
        subnetId: 'subnet-1',
        protocol: 'HTTP',
        lbMethod: 'ROUND_ROBIN',
        adminStateUp: true,
        provider: 'haproxy',
      },
    },
    poolDecider.initialState,
  );
  const commit = { commitId: 'commit-1', events: decided.map((event) => ({ ...metadata, ...event })) };

  it('accepts every message example, headers and payload', () => {
    const examples = Object.entries(doc.components.messages).flatMap(([type, m]) =>
      (m.examples ?? []).map((example) => ({ type, example })),
    );
    expect(examples.length).toBeGreaterThan(0);
    for (const { type, example } of examples) {
      expect({ type, payload: payloadOf(type)?.(example.payload), headers: headersOf(type)?.(example.headers) }).toEqual({
        type,
        payload: true,
        headers: true,
      });
    }
  });

  it('accepts a commit of what the pool decider decides, under the message of its event type', () => {
    expect(decided.map((e) => e.type)).toEqual(['PoolCreated']);
    expect(payloadOf('PoolCreated')?.(commit)).toBe(true);
  });

  it.each([
    { desc: 'under the message of an event type it does not carry', type: 'PoolDeleted', payload: commit },
    { desc: 'at another version', type: 'PoolCreated', payload: { ...commit, events: [{ ...commit.events[0], version: 2 }] } },
    {
      desc: 'with a payload field no schema has',
      type: 'PoolCreated',
      payload: { ...commit, events: [{ ...commit.events[0], data: { ...commit.events[0].data, colour: 'red' } }] },
    },
    {
      desc: 'with a mistyped payload field',
      type: 'PoolCreated',
      payload: { ...commit, events: [{ ...commit.events[0], data: { ...commit.events[0].data, adminStateUp: 'yes' } }] },
    },
    {
      desc: 'with an envelope field missing',
      type: 'PoolCreated',
      payload: { ...commit, events: [{ ...commit.events[0], correlationId: undefined }] },
    },
    { desc: "on another aggregate's channel", type: 'VipCreated', payload: commit },
    { desc: 'without events', type: 'PoolCreated', payload: { commitId: 'commit-1', events: [] } },
  ])('rejects a commit $desc', ({ type, payload }) => {
    expect(payloadOf(type)?.(JSON.parse(JSON.stringify(payload)))).toBe(false);
  });
});
