import { NotFound } from './errors';

/**
 * Every aggregate is absent before its creation event and deleted after its deletion event.
 * A deleted id is never reused: a create against it is a conflict, everything else NotFound.
 */
export type Lifecycle<T> = { readonly kind: 'absent' } | { readonly kind: 'deleted' } | ({ readonly kind: 'live' } & T);

export const ABSENT = { kind: 'absent' } as const;
export const DELETED = { kind: 'deleted' } as const;

export function live<T>(state: Lifecycle<T>, kind: string, id: string): { readonly kind: 'live' } & T {
  if (state.kind !== 'live') throw new NotFound(kind, id);
  return state;
}
