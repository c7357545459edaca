import type { Commit } from '@lbaas/domain';
import { canonicalJson } from './canonical-json';

/** A stream message as the audit trail receives it: a commit, or the facts about one that is not. */
export type AuditedMessage = {
  readonly seq: number;
  readonly subject: string;
  /** ISO 8601 UTC of the stream's timestamp. */
  readonly storedAt: string;
} & (
  | { readonly commit: Commit }
  /** Kept as its size and digest, never its bytes: whatever it holds may be a secret. */
  | { readonly undecodable: { readonly reason: string; readonly sha256: string; readonly bytes: number } }
);

/** Every stored column of a record but its hash: what the hash covers. */
export interface AuditFields {
  readonly stream_seq: number;
  readonly event_index: number;
  readonly event_id: string;
  readonly commit_id: string;
  readonly event_type: string;
  readonly event_version: number;
  readonly aggregate: string;
  readonly aggregate_id: string;
  readonly tenant_id: string;
  readonly actor: string;
  readonly correlation_id: string;
  readonly causation_id: string | null;
  readonly occurred_at: string;
  readonly stored_at: string;
  readonly payload: string;
}

export const REDACTED = '[REDACTED]';

/**
 * Payload fields that would hold a secret by their name. No event carries one today (stats
 * passwords derive from the deployment key and TLS keys are sealed), but the audit trail is
 * append-only and cannot be scrubbed later, so a field added by mistake is redacted here too.
 */
const SECRET_FIELD = /password|passphrase|secret|private_?key/i;

/** The value with every field named like a secret replaced by `[REDACTED]`, at any depth. */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_FIELD.test(k) ? REDACTED : redactSecrets(v)]));
  }
  return value;
}

/** The type recorded for a stream message that is not a commit, so the trail has no hole where it is. */
export const UNDECODABLE_MESSAGE = 'UndecodableMessage';

/** The records of one stream message: one per event of a commit, one for a message that is not a commit. */
export function auditFieldsOf(message: AuditedMessage): AuditFields[] {
  const { seq, storedAt } = message;
  if ('undecodable' in message) {
    const [, , aggregate = '', aggregateId = ''] = message.subject.split('.');
    return [
      {
        stream_seq: seq,
        event_index: 0,
        event_id: `undecodable-${seq}`,
        commit_id: `undecodable-${seq}`,
        event_type: UNDECODABLE_MESSAGE,
        event_version: 1,
        aggregate,
        aggregate_id: aggregateId,
        tenant_id: '',
        actor: '',
        correlation_id: '',
        causation_id: null,
        occurred_at: storedAt,
        stored_at: storedAt,
        payload: canonicalJson({ subject: message.subject, ...message.undecodable }),
      },
    ];
  }
  return message.commit.events.map((event, index) => ({
    stream_seq: seq,
    event_index: index,
    event_id: event.id,
    commit_id: message.commit.commitId,
    event_type: event.type,
    event_version: event.version,
    aggregate: event.aggregate,
    aggregate_id: event.aggregateId,
    tenant_id: event.tenantId,
    actor: event.actor,
    correlation_id: event.correlationId,
    causation_id: event.causationId,
    occurred_at: event.occurredAt,
    stored_at: storedAt,
    payload: canonicalJson(redactSecrets(event.data)),
  }));
}
