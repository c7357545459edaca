import { type SchemaOptions, type Static, type TLiteral, type TSchema, type TUnion, Type } from '@sinclair/typebox';
import type { SameShape } from './payload-schema';
import {
  LB_METHODS,
  LB_STATUSES,
  type LbMethod,
  type LbStatus,
  MONITOR_TYPES,
  type MonitorType,
  type Protocol,
  PROTOCOLS,
  type SessionPersistence,
  SESSION_PERSISTENCE_TYPES,
} from './resources';

/** A schema of one of the enumerations in resources.ts: `anyOf` its values as `const`s, in their order. */
export const literalUnion = <const V extends readonly string[]>(values: V, options?: SchemaOptions): TUnion<TLiteral<V[number]>[]> =>
  Type.Union(
    values.map((value: V[number]) => Type.Literal(value)),
    options,
  );

/*
 * Schemas of the enumerations payloads share. Each has a `title`, its TypeScript name: the
 * event catalogue shows the name and defines the schema once.
 */
export const ProtocolSchema = literalUnion(PROTOCOLS, {
  title: 'Protocol',
  description: 'What a pool balances and a VIP listens for.',
});
export const LbMethodSchema = literalUnion(LB_METHODS, {
  title: 'LbMethod',
  description: "How a pool picks a member: HAProxy's balance roundrobin, leastconn or source.",
});
export const LbStatusSchema = literalUnion(LB_STATUSES, { title: 'LbStatus', description: 'A Neutron LBaaS v1 status.' });
export const MonitorTypeSchema = literalUnion(MONITOR_TYPES, {
  title: 'MonitorType',
  description: 'How a health monitor checks a member.',
});
export const SessionPersistenceSchema = Type.Object(
  {
    type: literalUnion(SESSION_PERSISTENCE_TYPES),
    cookie_name: Type.Optional(Type.String({ description: "Only with APP_COOKIE: the application's cookie." })),
  },
  { title: 'SessionPersistence', additionalProperties: false, description: "Neutron's session_persistence, with its field names." },
);

/** Every named schema the payloads use, for the catalogue's list of shared types. */
export const SHARED_PAYLOAD_SCHEMAS: readonly TSchema[] = [
  ProtocolSchema,
  LbMethodSchema,
  LbStatusSchema,
  MonitorTypeSchema,
  SessionPersistenceSchema,
];

/** Compile-time proof that the schemas are the types of resources.ts. */
type Proofs = [
  SameShape<Static<typeof ProtocolSchema>, Protocol>,
  SameShape<Static<typeof LbMethodSchema>, LbMethod>,
  SameShape<Static<typeof LbStatusSchema>, LbStatus>,
  SameShape<Static<typeof MonitorTypeSchema>, MonitorType>,
  SameShape<Static<typeof SessionPersistenceSchema>, SessionPersistence>,
];
export const RESOURCE_SCHEMAS_MATCH: Proofs extends true[] ? true : false = true;
