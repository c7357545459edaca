import type { Commit, EventEnvelope } from '@lbaas/domain';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class MalformedCommit extends Error {}

export const encodeCommit = (commit: Commit): Uint8Array => encoder.encode(JSON.stringify(commit));

const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

function isEnvelope(v: unknown): v is EventEnvelope {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  return isString(e.id) && isString(e.type) && typeof e.version === 'number' && isString(e.aggregate) &&
    isString(e.aggregateId) && typeof e.tenantId === 'string' && typeof e.actor === 'string' &&
    isString(e.occurredAt) && typeof e.correlationId === 'string' && 'data' in e;
}

/** Decodes and checks the shape of a stored commit; anything else is a poison message. */
export function decodeCommit(data: Uint8Array): Commit {
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(data));
  } catch (error) {
    throw new MalformedCommit(`commit is not JSON: ${String(error)}`);
  }
  const c = parsed as Partial<Commit> | null;
  if (!c || !isString(c.commitId) || !Array.isArray(c.events) || c.events.length === 0 || !c.events.every(isEnvelope)) {
    throw new MalformedCommit('commit does not have the shape {commitId, events: EventEnvelope[]}');
  }
  return c as Commit;
}
