import type { Collection, ResourceByCollection } from '@lbaas/domain';

/** How one Neutron field is stored: a typed column for scalars, JSON text for lists and objects. */
export interface FieldSpec {
  readonly type: 'string' | 'integer' | 'boolean' | 'json';
  readonly nullable: boolean;
  /** Secondary index for the look-ups the api routes with (a member's pool, a port's floating IPs). */
  readonly indexed: boolean;
  /** The SQL column; Neutron's name unless that is not a safe identifier (`router:external`). */
  readonly column: string;
}

export const field = (type: FieldSpec['type'], options: Partial<Omit<FieldSpec, 'type'>> = {}) =>
  ({ nullable: false, indexed: false, column: '', ...options, type }) as const;
export const text = field('string');
export const textOrNull = field('string', { nullable: true });
export const reference = field('string', { indexed: true });
export const referenceOrNull = field('string', { nullable: true, indexed: true });
export const integer = field('integer');
export const boolean = field('boolean');
export const json = field('json');
export const jsonOrNull = field('json', { nullable: true });

/** Every field of the resource, so a field added to resources.ts without a column fails to compile. */
export type FieldsOf<C extends Collection> = { readonly [K in keyof ResourceByCollection[C] & string]-?: ReturnType<typeof field> };
