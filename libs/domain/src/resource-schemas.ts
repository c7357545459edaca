import { type Static, type TSchema, Type } from '@sinclair/typebox';
import type { SameShape } from './payload-schema';
import type { LbMethod, LbStatus, MonitorType, Protocol, SessionPersistence } from './resources';

/*
 * Schemas of the enumerations payloads share. Each has a `title`, its TypeScript name: the
 * event catalogue shows the name and defines the schema once.
 */
export const ProtocolSchema = Type.Union([Type.Literal('HTTP'), Type.Literal('HTTPS'), Type.Literal('TCP')], {
  title: 'Protocol', description: 'What a pool balances and a VIP listens for.',
});
export const LbMethodSchema = Type.Union([Type.Literal('ROUND_ROBIN'), Type.Literal('LEAST_CONNECTIONS'), Type.Literal('SOURCE_IP')], {
  title: 'LbMethod', description: 'How a pool picks a member: HAProxy\'s balance roundrobin, leastconn or source.',
});
export const LbStatusSchema = Type.Union([
  Type.Literal('PENDING_CREATE'), Type.Literal('PENDING_UPDATE'), Type.Literal('PENDING_DELETE'), Type.Literal('ACTIVE'),
  Type.Literal('INACTIVE'), Type.Literal('DOWN'), Type.Literal('ERROR'),
], { title: 'LbStatus', description: 'A Neutron LBaaS v1 status.' });
export const MonitorTypeSchema = Type.Union([Type.Literal('PING'), Type.Literal('TCP'), Type.Literal('HTTP'), Type.Literal('HTTPS')], {
  title: 'MonitorType', description: 'How a health monitor checks a member.',
});
export const SessionPersistenceSchema = Type.Object({
  type: Type.Union([Type.Literal('SOURCE_IP'), Type.Literal('HTTP_COOKIE'), Type.Literal('APP_COOKIE')]),
  cookie_name: Type.Optional(Type.String({ description: 'Only with APP_COOKIE: the application\'s cookie.' })),
}, { title: 'SessionPersistence', additionalProperties: false, description: 'Neutron\'s session_persistence, with its field names.' });

/** Every named schema the payloads use, for the catalogue's list of shared types. */
export const SHARED_PAYLOAD_SCHEMAS: readonly TSchema[] = [ProtocolSchema, LbMethodSchema, LbStatusSchema, MonitorTypeSchema, SessionPersistenceSchema];

/** Compile-time proof that the schemas are the types of resources.ts. */
type Proofs = [
  SameShape<Static<typeof ProtocolSchema>, Protocol>, SameShape<Static<typeof LbMethodSchema>, LbMethod>,
  SameShape<Static<typeof LbStatusSchema>, LbStatus>, SameShape<Static<typeof MonitorTypeSchema>, MonitorType>,
  SameShape<Static<typeof SessionPersistenceSchema>, SessionPersistence>,
];
export const RESOURCE_SCHEMAS_MATCH: Proofs extends true[] ? true : false = true;
