import { AGGREGATE_TYPES, type Commit, type EventEnvelope } from '@lbaas/domain';
import { parseEventSubject } from './subjects';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * A message on the event stream that is not a commit of the aggregate its subject names: a poison
 * message. Consumers terminate it rather than retry it; a handler may throw it for a commit it
 * cannot use either.
 */
export class MalformedCommit extends Error {
  override readonly name = 'MalformedCommit';
}

/** A commit as consumers receive it: with its stream sequence and its subject. */
export interface StoredCommit {
  readonly seq: number;
  readonly subject: string;
  readonly commit: Commit;
}

export const encodeCommit = (commit: Commit): Uint8Array => encoder.encode(JSON.stringify(commit));

const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

function isEnvelope(v: unknown): v is EventEnvelope {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const e = v as Record<string, unknown>;
  return (
    isText(e.id) &&
    isText(e.type) &&
    Number.isInteger(e.version) &&
    (e.version as number) >= 1 &&
    AGGREGATE_TYPES.some((a) => a === e.aggregate) &&
    isText(e.aggregateId) &&
    typeof e.tenantId === 'string' &&
    typeof e.actor === 'string' &&
    isText(e.occurredAt) &&
    typeof e.correlationId === 'string' &&
    (e.causationId === null || typeof e.causationId === 'string') &&
    // JSON drops an undefined value: such an event would be stored without its data.
    e.data !== undefined
  );
}

/** Decodes and checks the shape of a stored commit; anything else is a poison message. */
export function decodeCommit(data: Uint8Array): Commit {
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(data));
  } catch (error) {
    throw new MalformedCommit(`commit is not JSON: ${String(error)}`);
  }
  checkCommitShape(parsed);
  return parsed;
}

/**
 * Throws MalformedCommit unless `value` has the shape `decodeCommit` accepts. The store checks a
 * commit with it before it encodes it, rather than decoding what it encoded: values JSON would
 * drop (undefined) or could not carry fail here as they would there.
 */
export function checkCommitShape(value: unknown): asserts value is Commit {
  const c = value as Partial<Commit> | null;
  if (
    !c ||
    typeof c !== 'object' ||
    !isText(c.commitId) ||
    !Array.isArray(c.events) ||
    c.events.length === 0 ||
    !c.events.every(isEnvelope)
  ) {
    throw new MalformedCommit('commit does not have the shape {commitId, events: EventEnvelope[]}');
  }
}

/** Throws MalformedCommit unless every event of `commit` belongs to the aggregate `subject` names. */
export function checkCommitSubject(subject: string, commit: Commit): void {
  const owner = parseEventSubject(subject);
  if (!owner) throw new MalformedCommit(`${subject} is not an aggregate's event subject`);
  const stranger = commit.events.find((e) => e.aggregate !== owner.aggregate || e.aggregateId !== owner.id);
  if (stranger) {
    throw new MalformedCommit(`event ${stranger.id} of ${stranger.aggregate} ${stranger.aggregateId} is stored on ${subject}`);
  }
}

/** Decodes a message of the event stream: a commit whose events all belong to its subject's aggregate. */
export function decodeStoredCommit(message: { readonly seq: number; readonly subject: string; readonly data: Uint8Array }): StoredCommit {
  const commit = decodeCommit(message.data);
  checkCommitSubject(message.subject, commit);
  return { seq: message.seq, subject: message.subject, commit };
}
