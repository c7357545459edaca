import { type Static, Type } from '@sinclair/typebox';
import { AGGREGATE_TYPES, type Commit, type EventEnvelope } from './envelope';
import type { SameShape } from './payload-schema';

/**
 * The envelope of every stored event, as a schema with a description per field: the event
 * catalogue documents it from here. `type`, `version` and `data` are narrowed per event type.
 */
export const EventEnvelopeSchema = Type.Object(
  {
    id: Type.String({ description: "The event's id (uuid v7)." }),
    type: Type.String({ description: 'The fact, in the past tense: one of the event types of the catalogue.' }),
    version: Type.Integer({ minimum: 1, description: 'The version of the payload schema for `type`.' }),
    aggregate: Type.Union(
      AGGREGATE_TYPES.map((a) => Type.Literal(a)),
      {
        title: 'AggregateType',
        description: 'The kind of aggregate whose stream holds the event (the third token of the subject).',
      },
    ),
    aggregateId: Type.String({ description: "The aggregate's id (the last token of the subject)." }),
    occurredAt: Type.String({ description: 'When the events were stamped for appending, ISO 8601 in UTC.' }),
    tenantId: Type.String({ description: 'The tenant that owns the aggregate (also when an admin acts on it).' }),
    actor: Type.String({ description: "Who issued the command (the actor name of the caller's token, or the service)." }),
    correlationId: Type.String({ description: 'The id of the request that started the work; every event of a saga shares it.' }),
    causationId: Type.Union([Type.String(), Type.Null()], {
      description:
        "In a request's saga, the id of the event appended just before this one (null for its first); in a service's answer to an event (scheduler, config renderer, node agent), the id of that event; null for work no event caused (a timer, a health check).",
    }),
    data: Type.Unknown({ description: 'The payload: the schema of the event type at its version.' }),
  },
  {
    title: 'EventEnvelope',
    additionalProperties: false,
    description: '`decide` returns only `type`, `version` and `data`; the command handler stamps the rest when it appends the commit.',
  },
);

/** One message on the stream: the events of one aggregate, appended atomically. */
export const CommitSchema = Type.Object(
  {
    commitId: Type.String({ description: "Also the message's Nats-Msg-Id, so a retried append is stored once." }),
    events: Type.Array(EventEnvelopeSchema, {
      minItems: 1,
      description: 'One or more events of the aggregate the subject names, in order.',
    }),
  },
  { title: 'Commit', additionalProperties: false },
);

/** Compile-time proof that the schemas are the envelope and commit of envelope.ts (`type` and `version` are plain there too). */
type Proofs = [SameShape<Static<typeof EventEnvelopeSchema>, EventEnvelope>, SameShape<Static<typeof CommitSchema>, Commit>];
export const ENVELOPE_SCHEMAS_MATCH: Proofs extends true[] ? true : false = true;
