import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import type { AuditFields } from './record-mapping';

/** What the first record chains from. */
export const GENESIS_HASH = '0'.repeat(64);

/** sha256(previous hash + canonical JSON of the record), hex. */
export function chainHash(previousHash: string, fields: AuditFields): string {
  return createHash('sha256').update(previousHash).update(canonicalJson(fields)).digest('hex');
}

export interface ChainedRecord extends AuditFields {
  readonly hash: string;
}

/** The store's own account of where the chain ends. */
export interface ChainHead {
  readonly position: number;
  readonly head_hash: string;
  readonly records: number;
}

/** The first record that does not hold, or the head that the records do not reach. */
export interface ChainBreak {
  readonly stream_seq: number;
  readonly event_index: number;
  readonly event_id: string | null;
  readonly reason: string;
}

export type ChainVerification =
  | {
      readonly ok: true;
      readonly checked: number;
      readonly firstSeq: number | null;
      readonly lastSeq: number | null;
      readonly headHash: string;
    }
  | { readonly ok: false; readonly checked: number; readonly broken: ChainBreak };

const at = (r: Pick<AuditFields, 'stream_seq' | 'event_index'>): string => `stream sequence ${r.stream_seq} event ${r.event_index}`;

/** Why `record` cannot follow `previous`, if it cannot: no stream sequence or event may be missing. */
function continuityProblem(previous: AuditFields | null, record: AuditFields): string | null {
  if (previous === null)
    return record.event_index === 0 ? null : `the first record is event ${record.event_index} of its commit, not event 0`;
  const sameCommit = record.stream_seq === previous.stream_seq && record.event_index === previous.event_index + 1;
  const nextCommit = record.stream_seq === previous.stream_seq + 1 && record.event_index === 0;
  if (sameCommit || nextCommit) return null;
  return `it follows ${at(previous)}: records are missing or out of order`;
}

/**
 * Walks the records in stream order, recomputing every hash from the one before: a changed,
 * removed, inserted or reordered record breaks the chain at the first record it touches. The head
 * catches records removed from the end. Reads one record at a time, so a store of any size fits.
 */
export async function verifyChain(
  records: AsyncIterable<ChainedRecord> | Iterable<ChainedRecord>,
  head: ChainHead | null,
): Promise<ChainVerification> {
  let previous: ChainedRecord | null = null;
  let firstSeq: number | null = null;
  let checked = 0;
  for await (const record of records) {
    const broken = (reason: string): ChainVerification => ({
      ok: false,
      checked,
      broken: { stream_seq: record.stream_seq, event_index: record.event_index, event_id: record.event_id, reason },
    });
    const gap = continuityProblem(previous, record);
    if (gap) return broken(gap);
    const { hash, ...fields } = record;
    if (chainHash(previous?.hash ?? GENESIS_HASH, fields) !== hash) {
      return broken('its hash does not match its contents and the record before it: the record was changed, or one before it was removed');
    }
    firstSeq ??= record.stream_seq;
    previous = record;
    checked++;
  }
  const headHash = previous?.hash ?? GENESIS_HASH;
  const lastSeq = previous?.stream_seq ?? null;
  if (head && (head.position !== (lastSeq ?? 0) || head.head_hash !== headHash || head.records !== checked)) {
    return {
      ok: false,
      checked,
      broken: {
        stream_seq: head.position,
        event_index: 0,
        event_id: null,
        reason:
          `the checkpoint says ${head.records} records up to stream sequence ${head.position} ending in hash ${head.head_hash}, ` +
          `but the records end at ${lastSeq === null ? 'nothing' : `stream sequence ${lastSeq}`} (${checked} records) with hash ${headHash}: records were removed from the end`,
      },
    };
  }
  return { ok: true, checked, firstSeq, lastSeq, headHash };
}
