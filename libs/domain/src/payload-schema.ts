import { type ObjectOptions, type Static, type TProperties, type TSchema, Type } from '@sinclair/typebox';
import type { DomainEvent } from './envelope';

/** A type as plain data: intersections merged into one object, readonly dropped, so two spellings of one shape compare equal. */
type Plain<T> = T extends readonly (infer I)[] ? Plain<I>[] : T extends object ? { -readonly [K in keyof T]: Plain<T[K]> } : T;

/** Whether `A` and `B` are the same shape, optional keys included (mutual assignability would let a missing optional key pass). */
export type SameShape<A, B> = (<X>() => X extends Plain<A> ? 1 : 2) extends <X>() => X extends Plain<B> ? 1 : 2 ? true : false;

type PayloadOf<E extends DomainEvent<string, number, unknown>, T extends string> = Extract<E, { type: T }>['data'];

/** What the compiler reports for a schema that does not describe its event's payload: both shapes, side by side. */
interface SchemaDiffersFromPayload<S, P> {
  readonly schemaDescribes: S;
  readonly payloadIs: P;
}

type CheckedSchemas<E extends DomainEvent<string, number, unknown>, M> = {
  readonly [T in E['type']]: T extends keyof M
    ? M[T] extends TSchema
      ? SameShape<Static<M[T]>, PayloadOf<E, T>> extends true
        ? M[T]
        : SchemaDiffersFromPayload<Static<M[T]>, PayloadOf<E, T>>
      : TSchema
    : TSchema;
} & { readonly [K in Exclude<keyof M, E['type']>]: never };

/**
 * The payload schema of every event type of the union `E`, checked by the compiler: a missing
 * or extra type, or a schema whose static type is not exactly the event's `data`, fails the
 * build where the schema is written. `payloadSchemas<PoolEvent>()({ PoolCreated: Type.Object(...), ... })`.
 */
export const payloadSchemas =
  <E extends DomainEvent<string, number, unknown>>() =>
  <const M>(schemas: M & CheckedSchemas<E, M>): M =>
    schemas;

/** A payload object: exactly these fields, so a decider that leaks a command's extra field fails its tests. */
export const payloadObject = <P extends TProperties>(properties: P, options: ObjectOptions = {}) =>
  Type.Object(properties, { additionalProperties: false, ...options });

export const nullable = <S extends TSchema>(schema: S) => Type.Union([schema, Type.Null()]);
