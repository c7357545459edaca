import type { AuditedMessage } from '@lbaas/audit-store';
import { decodeStoredCommit } from '@lbaas/event-log';
import { createHash } from 'node:crypto';

/** The parts of a JetStream message the audit trail keeps. */
export interface StreamMessage {
  readonly seq: number;
  readonly subject: string;
  readonly data: Uint8Array;
  readonly info: { readonly timestampNanos: number };
}

/** A stream message as a commit to audit, or, when it is not one, as the facts about it. */
export function auditedMessageOf(message: StreamMessage): AuditedMessage {
  const { seq, subject } = message;
  const storedAt = new Date(Math.round(message.info.timestampNanos / 1e6)).toISOString();
  try {
    return { seq, subject, storedAt, commit: decodeStoredCommit(message).commit };
  } catch (error) {
    const reason = undecodableReason(message.data, error);
    return {
      seq,
      subject,
      storedAt,
      undecodable: { reason, sha256: createHash('sha256').update(message.data).digest('hex'), bytes: message.data.length },
    };
  }
}

/** Why a message is not a commit, without quoting it: JSON.parse's error message quotes the text, which may be a secret. */
function undecodableReason(data: Uint8Array, error: unknown): string {
  try {
    JSON.parse(new TextDecoder().decode(data));
  } catch {
    return 'the message is not JSON';
  }
  return error instanceof Error ? error.message : String(error);
}
