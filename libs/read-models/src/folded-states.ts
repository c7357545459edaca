import type { AggregateBehaviour, Collection, ResourceRows } from '@lbaas/domain';
import { ViewRow, type ViewRowsByCollection } from './row-writes';
import { RESOURCE_TABLES } from './tables/resource-tables';

/** An aggregate's folded state with what the tables hold for it. */
export interface LoadedState {
  readonly behaviour: AggregateBehaviour;
  version: number;
  state: unknown;
  /** The rows the tables hold for the aggregate: what its views showed when last written. */
  rows: ViewRowsByCollection;
  changed: boolean;
}

/** Folded states by aggregate, and the keys of those changed since they were last written. */
export class LoadedStates extends Map<string, LoadedState> {
  changed: string[] = [];
}

export function viewRows(views: ResourceRows): ViewRowsByCollection {
  const byCollection: ViewRowsByCollection = new Map();
  for (const collection of Object.keys(views) as Collection[]) {
    const table = RESOURCE_TABLES[collection];
    if (!table) continue;
    const rows = new Map<string, ViewRow>();
    for (const resource of views[collection] ?? []) {
      rows.set(resource.id, new ViewRow(table.toRow(resource)));
    }
    byCollection.set(collection, rows);
  }
  return byCollection;
}

/**
 * The live projection's states as its last transaction left them, so that the next batch reads
 * neither the states back nor draws the views they showed. Valid only while the database's
 * checkpoint is the one this projector committed last (`at`): any other writer, a rebuild or a
 * failed transaction moves it or clears the cache. Least recently used states go past `limit`,
 * so the process holds a bounded part of the log however long it runs.
 */
export class StateCache {
  private readonly states = new Map<string, LoadedState>();
  /** The checkpoint the cached states are those of; null when nothing is known. */
  private at: number | null = null;

  constructor(private readonly limit: number) {}

  /** The cached states if the database's checkpoint is still the one they were committed with; otherwise forgets them. */
  validAt(checkpoint: number): boolean {
    if (this.at === checkpoint) return true;
    this.forget();
    return false;
  }

  take(key: string): LoadedState | undefined {
    const loaded = this.states.get(key);
    if (loaded) this.states.delete(key);
    return loaded;
  }

  /** Keeps the states a transaction committed, as of its checkpoint. */
  committed(states: LoadedStates, checkpoint: number): void {
    for (const [key, loaded] of states) {
      this.states.delete(key);
      this.states.set(key, loaded);
    }
    for (const key of this.states.keys()) {
      if (this.states.size <= this.limit) break;
      this.states.delete(key);
    }
    this.at = checkpoint;
  }

  forget(): void {
    this.states.clear();
    this.at = null;
  }

  get size(): number {
    return this.states.size;
  }
}

/**
 * Fields named like a secret (a certificate's sealed private key) are no part of any view, so
 * the stored states keep none: the read-model database holds no key, sealed or not.
 */
const SECRET_FIELD = /password|passphrase|secret|private_?key/i;
const withoutSecrets = (key: string, value: unknown): unknown => (SECRET_FIELD.test(key) ? undefined : value);

/**
 * A state's JSON without its secrets, and whether it had any. A key keeps its letters verbatim in
 * JSON text, so a text the pattern does not match has no secret field; only such a rare state
 * pays for the replacer, which takes JSON.stringify off its fast path.
 */
export function storedJson(state: unknown): { json: string; stripped: boolean } {
  const json = JSON.stringify(state ?? null);
  if (!SECRET_FIELD.test(json)) return { json, stripped: false };
  const without = JSON.stringify(state ?? null, withoutSecrets);
  return { json: without, stripped: without !== json };
}

export const stateKey = (aggregate: string, id: string): string => `${aggregate}\u0000${id}`;
export const splitStateKey = (key: string): [string, string] => key.split('\u0000') as [string, string];
