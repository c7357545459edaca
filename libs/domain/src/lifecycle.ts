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

/**
 * Whether an aggregate's folded state is the initial one or the one after its deletion: a fold
 * that holds states may drop such a state and fold what follows from the initial one instead.
 * Deleted ids are never reused, so no event that may follow a deletion makes the aggregate live
 * again, and every other event leaves a state that is not live as it is.
 */
export function isAbsentOrDeleted(state: unknown): boolean {
  const kind = (state as { readonly kind?: unknown }).kind;
  return kind === ABSENT.kind || kind === DELETED.kind;
}
