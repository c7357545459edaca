import { CommandError } from './cli-errors';
import type { Row } from './output';
import type { ResourceKind } from './resources';

/** Lists `kind` filtered by one field, asking only for ids. */
export type IdLister = (kind: ResourceKind, field: string, value: string) => Promise<Row[]>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The id of the object a user named, as the neutron CLI finds it: a UUID that exists is the
 * object; otherwise the kind's name field must match exactly one object the caller sees.
 */
export async function resolveId(list: IdLister, kind: ResourceKind, nameOrId: string): Promise<string> {
  if (UUID.test(nameOrId)) {
    const [byId] = await list(kind, 'id', nameOrId);
    if (byId !== undefined) return String(byId.id);
  }
  if (kind.lookup === null) throw new CommandError(`Unable to find ${kind.key} with id '${nameOrId}'`);
  const matches = await list(kind, kind.lookup, nameOrId);
  const [only] = matches;
  if (only === undefined) throw new CommandError(`Unable to find ${kind.key} with ${kind.lookup} '${nameOrId}'`);
  if (matches.length > 1)
    throw new CommandError(`Multiple ${kind.key} matches found for ${kind.lookup} '${nameOrId}', use an ID to be more specific.`);
  return String(only.id);
}
