import {
  AGGREGATE_CATALOGUE,
  AGGREGATE_TYPES,
  type AggregateType,
  CommitSchema,
  EVENT_PAYLOAD_SCHEMAS,
  EVENT_TYPES,
  EventEnvelopeSchema,
  SHARED_PAYLOAD_SCHEMAS,
} from '@lbaas/domain';
import type { TSchema } from '@sinclair/typebox';
import { DUPLICATE_WINDOW_MS, DEFAULT_NATS_URL, EVENT_SUBJECT_PREFIX, STREAM_NAME } from '@lbaas/event-log';

/** The part of JSON Schema the catalogue's schemas use. */
export interface JsonSchema {
  readonly $ref?: string;
  readonly title?: string;
  readonly description?: string;
  readonly type?: string;
  readonly const?: string | number;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly allOf?: readonly JsonSchema[];
  readonly items?: JsonSchema;
  readonly contains?: JsonSchema;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean;
  readonly minItems?: number;
  readonly minimum?: number;
  readonly pattern?: string;
}

export interface MessageExample {
  readonly name: string;
  readonly summary: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly payload: unknown;
}

export interface CatalogueMessage {
  readonly name: string;
  readonly title: string;
  readonly summary: string;
  readonly contentType: 'application/json';
  readonly headers: JsonSchema;
  readonly payload: JsonSchema;
  /** The event type's current version, also the `const` of `version` in its envelope schema. */
  readonly 'x-event-version': number;
  readonly examples?: readonly MessageExample[];
}

export interface CatalogueChannel {
  readonly address: string;
  readonly title: string;
  readonly description: string;
  readonly parameters: Readonly<Record<string, { readonly description: string }>>;
  readonly messages: Readonly<Record<string, { readonly $ref: string }>>;
}

export interface CatalogueOperation {
  readonly action: 'send';
  readonly channel: { readonly $ref: string };
  readonly title: string;
  readonly summary: string;
  readonly messages: readonly { readonly $ref: string }[];
}

/** docs/asyncapi.json: the event log as an AsyncAPI 3.0 document. */
export interface EventCatalogueDocument {
  readonly asyncapi: '3.0.0';
  readonly info: { readonly title: string; readonly version: string; readonly description: string };
  readonly defaultContentType: 'application/json';
  readonly servers: Readonly<Record<string, { readonly host: string; readonly protocol: 'nats'; readonly description: string }>>;
  readonly channels: { readonly [A in AggregateType]: CatalogueChannel };
  readonly operations: Readonly<Record<string, CatalogueOperation>>;
  readonly components: {
    readonly schemas: Readonly<Record<string, JsonSchema>>;
    readonly messages: Readonly<Record<string, CatalogueMessage>>;
  };
}

const schemaRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const payloadName = (type: string) => `${type}Payload`;
const commitName = (aggregate: AggregateType) => `${aggregate[0].toUpperCase()}${aggregate.slice(1)}Commit`;

/**
 * A TypeBox schema as plain JSON Schema, every titled part below the top replaced by a `$ref`
 * to `named`, so a shared type (Protocol, SessionPersistence...) is defined once.
 */
function hoisted(schema: JsonSchema, named: Map<string, JsonSchema>, top: boolean): JsonSchema {
  if (!top && schema.title !== undefined) {
    const definition = hoisted(schema, named, true);
    const known = named.get(schema.title);
    if (known && JSON.stringify(known) !== JSON.stringify(definition)) throw new Error(`two different schemas are titled ${schema.title}`);
    named.set(schema.title, definition);
    return schemaRef(schema.title);
  }
  const each = (list: readonly JsonSchema[] | undefined) => list?.map((s) => hoisted(s, named, false));
  const properties =
    schema.properties && Object.fromEntries(Object.entries(schema.properties).map(([k, s]) => [k, hoisted(s, named, false)]));
  return {
    ...schema,
    ...(properties && { properties }),
    ...(schema.items && { items: hoisted(schema.items, named, false) }),
    ...(schema.anyOf && { anyOf: each(schema.anyOf) }),
  };
}

/** TypeBox keeps its bookkeeping under symbol keys, which JSON leaves out. */
const plain = (schema: TSchema): JsonSchema => JSON.parse(JSON.stringify(schema)) as JsonSchema;

const HEADERS: JsonSchema = {
  type: 'object',
  required: ['Nats-Msg-Id', 'Nats-Expected-Last-Subject-Sequence'],
  properties: {
    'Nats-Msg-Id': {
      type: 'string',
      description: `The commit id: JetStream stores a commit once within the stream's duplicate window (${DUPLICATE_WINDOW_MS / 1000} s), so a retried append is harmless.`,
    },
    'Nats-Expected-Last-Subject-Sequence': {
      type: 'string',
      pattern: '^[0-9]+$',
      description:
        'Optimistic concurrency: the last sequence of the subject the decider read (0 for a new aggregate). JetStream refuses the commit with API error 10071 when someone appended since; the command is decided again.',
    },
  },
};

/** The first commit of a pool's stream, checked against the document by its unit test. */
const POOL_CREATED_EXAMPLE: MessageExample = {
  name: 'first-commit-of-a-pool',
  summary: "An example, the first commit of a pool's stream (on `lbaas.events.pool.6f1c0d2e-7a4b-4c1d-9e8f-0a1b2c3d4e5f`):",
  headers: { 'Nats-Msg-Id': '0b3e9a4c-2f61-4d7a-9c58-3e1f7a2b6d90', 'Nats-Expected-Last-Subject-Sequence': '0' },
  payload: {
    commitId: '0b3e9a4c-2f61-4d7a-9c58-3e1f7a2b6d90',
    events: [
      {
        id: '01934f2a-8c1e-7b3d-9a45-6e2f1c0d8b7a',
        type: 'PoolCreated',
        version: 1,
        aggregate: 'pool',
        aggregateId: '6f1c0d2e-7a4b-4c1d-9e8f-0a1b2c3d4e5f',
        occurredAt: '2026-01-15T09:30:00.000Z',
        tenantId: 'demo-tenant',
        actor: 'demo',
        correlationId: 'req-42',
        causationId: null,
        data: {
          poolId: '6f1c0d2e-7a4b-4c1d-9e8f-0a1b2c3d4e5f',
          tenantId: 'demo-tenant',
          name: 'web',
          description: '',
          subnetId: '2d4f6a8c-1b3d-4e5f-8a9b-0c1d2e3f4a5b',
          protocol: 'HTTP',
          lbMethod: 'ROUND_ROBIN',
          adminStateUp: true,
          provider: 'haproxy',
        },
      },
    ],
  },
};
const EXAMPLES: Readonly<Record<string, readonly MessageExample[]>> = { PoolCreated: [POOL_CREATED_EXAMPLE] };

const DESCRIPTION = `Events are the only truth of the system: every change is a fact appended to the event log, and every read model is folded from it. This catalogue lists every event type the domain (\`libs/domain\`) appends, with its current version and payload schema.

## Where events live

- One JetStream stream, \`${STREAM_NAME}\`, with file storage and the subjects \`${EVENT_SUBJECT_PREFIX}.>\`.
- One subject per aggregate instance: \`${EVENT_SUBJECT_PREFIX}.<aggregate>.<id>\`, where \`<aggregate>\` is one of ${AGGREGATE_TYPES.map((a) => `\`${a}\``).join(', ')} and \`<id>\` is the resource's id. The subject is the unit of optimistic concurrency; each is a channel of this document.
- A message is one commit: \`{ "commitId": string, "events": EventEnvelope[] }\`, one or more events of one aggregate appended atomically, published with \`Nats-Expected-Last-Subject-Sequence\` (the version the decider read, 0 for a new aggregate) and \`Nats-Msg-Id\` = \`commitId\`. A message of a channel is named after an event type its commit carries; a commit may carry several.
- Consumers read \`${EVENT_SUBJECT_PREFIX}.>\` in stream order: durable consumers (the projections) or ordered ones (scheduler, config renderer, audit, dashboard), idempotent by stream sequence.

## Versioning

A payload is never changed in place and stored events are never rewritten. Changing a payload means:

1. a new member of the aggregate's union in \`libs/domain/src/<aggregate>/events.ts\` with the next \`version\`, and its schema in \`event-schemas.ts\` beside it (the compiler checks that the schema is the type);
2. its entry in \`EVENT_TYPES\` (\`libs/domain/src/catalogue.ts\`) with the new version, then \`npm run asyncapi\`;
3. an upcaster step in \`upcast\` (\`libs/domain/src/registry.ts\`) that turns every older stored version into the latest one, so \`evolve\` and the projections only ever see the latest.

\`decide\` emits only the latest version.`;

let cached: EventCatalogueDocument | undefined;

/** The AsyncAPI document of the event log, generated from the domain's catalogue and schemas. */
export function eventCatalogueDocument(): EventCatalogueDocument {
  if (cached) return cached;
  const named = new Map<string, JsonSchema>();
  for (const shared of [...SHARED_PAYLOAD_SCHEMAS, EventEnvelopeSchema, CommitSchema]) hoisted(plain(shared), named, false);
  const schemas: Record<string, JsonSchema> = {};
  const messages: Record<string, CatalogueMessage> = {};
  for (const entry of EVENT_TYPES) {
    schemas[payloadName(entry.type)] = hoisted(plain(EVENT_PAYLOAD_SCHEMAS[entry.type]), named, true);
    schemas[entry.type] = {
      title: `${entry.type} v${entry.version}`,
      description: entry.description,
      allOf: [
        schemaRef('EventEnvelope'),
        {
          type: 'object',
          properties: {
            type: { const: entry.type },
            version: { const: entry.version },
            aggregate: { const: entry.aggregate },
            data: schemaRef(payloadName(entry.type)),
          },
        },
      ],
    };
    messages[entry.type] = {
      name: entry.type,
      title: `${entry.type} v${entry.version}`,
      summary: entry.description,
      contentType: 'application/json',
      headers: schemaRef('CommitHeaders'),
      payload: {
        allOf: [
          schemaRef(commitName(entry.aggregate)),
          { type: 'object', properties: { events: { type: 'array', contains: schemaRef(entry.type) } } },
        ],
      },
      'x-event-version': entry.version,
      ...(EXAMPLES[entry.type] && { examples: EXAMPLES[entry.type] }),
    };
  }
  const ofAggregate = (aggregate: AggregateType) => EVENT_TYPES.filter((e) => e.aggregate === aggregate);
  for (const aggregate of AGGREGATE_TYPES) {
    schemas[commitName(aggregate)] = {
      title: `A commit of a ${aggregate} stream`,
      allOf: [
        schemaRef('Commit'),
        {
          type: 'object',
          properties: { events: { type: 'array', items: { oneOf: ofAggregate(aggregate).map((e) => schemaRef(e.type)) } } },
        },
      ],
    };
  }
  const channels = Object.fromEntries(
    AGGREGATE_TYPES.map((aggregate) => {
      const { title, idName, description } = AGGREGATE_CATALOGUE[aggregate];
      const channel: CatalogueChannel = {
        address: `${EVENT_SUBJECT_PREFIX}.${aggregate}.{${idName}}`,
        title,
        description,
        parameters: { [idName]: { description: `The ${aggregate}'s id: one subject, one sequence of commits, per ${aggregate}.` } },
        messages: Object.fromEntries(ofAggregate(aggregate).map((e) => [e.type, { $ref: `#/components/messages/${e.type}` }])),
      };
      return [aggregate, channel];
    }),
  ) as { [A in AggregateType]: CatalogueChannel };
  const operations = Object.fromEntries(
    AGGREGATE_TYPES.map((aggregate) => [
      `append${commitName(aggregate)}`,
      {
        action: 'send',
        channel: { $ref: `#/channels/${aggregate}` },
        title: `Append a commit to a ${aggregate}'s stream`,
        summary:
          'Through the one command handler only (handleCommand, libs/event-log): decide on the stream as read, append with the expected last subject sequence, decide again on a conflict.',
        messages: ofAggregate(aggregate).map((e) => ({ $ref: `#/channels/${aggregate}/messages/${e.type}` })),
      } satisfies CatalogueOperation,
    ]),
  );
  cached = {
    asyncapi: '3.0.0',
    info: { title: 'LBaaS event log', version: '1.0.0', description: DESCRIPTION },
    defaultContentType: 'application/json',
    servers: {
      local: {
        host: new URL(DEFAULT_NATS_URL).host,
        protocol: 'nats',
        description: 'The nats-server of make up, with JetStream (a free port when 4222 is taken: .lbaas/nats.url).',
      },
    },
    channels,
    operations,
    components: {
      schemas: {
        ...Object.fromEntries([...named].sort(([a], [b]) => a.localeCompare(b))),
        CommitHeaders: HEADERS,
        ...schemas,
      },
      messages,
    },
  };
  return cached;
}
