import { type ChainedRecord, chainHash, type ChainHead, GENESIS_HASH, verifyChain } from './audit-chain';
import type { AuditFields } from './record-mapping';

const fields = (seq: number, index: number, payload = `{"n":${seq}}`): AuditFields => ({
  stream_seq: seq,
  event_index: index,
  event_id: `e-${seq}-${index}`,
  commit_id: `c-${seq}`,
  event_type: 'PoolUpdated',
  event_version: 1,
  aggregate: 'pool',
  aggregate_id: 'p-1',
  tenant_id: 't-1',
  actor: 'demo',
  correlation_id: 'req-1',
  causation_id: null,
  occurred_at: '2026-01-15T09:30:00.000Z',
  stored_at: '2026-01-15T09:30:00.001Z',
  payload,
});

/** A well-formed trail: commits 1..5, commit 3 with two events. */
function trail(): ChainedRecord[] {
  let previous = GENESIS_HASH;
  return [fields(1, 0), fields(2, 0), fields(3, 0), fields(3, 1), fields(4, 0), fields(5, 0)].map((f) => {
    previous = chainHash(previous, f);
    return { ...f, hash: previous };
  });
}
const headOf = (records: ChainedRecord[]): ChainHead => ({
  position: records[records.length - 1].stream_seq,
  head_hash: records[records.length - 1].hash,
  records: records.length,
});

describe('the audit hash chain', () => {
  it('hashes the previous hash followed by the canonical JSON of the record', () => {
    const f = fields(1, 0);
    expect(chainHash(GENESIS_HASH, f)).toMatch(/^[0-9a-f]{64}$/);
    expect(chainHash(GENESIS_HASH, { ...f })).toBe(chainHash(GENESIS_HASH, f));
    expect(chainHash('1'.repeat(64), f)).not.toBe(chainHash(GENESIS_HASH, f));
  });

  it('verifies an untouched trail and its head', async () => {
    const records = trail();
    expect(await verifyChain(records, headOf(records))).toEqual({
      ok: true,
      checked: 6,
      firstSeq: 1,
      lastSeq: 5,
      headHash: records[5].hash,
    });
  });

  it('verifies an empty trail without a head', async () => {
    expect(await verifyChain([], null)).toEqual({ ok: true, checked: 0, firstSeq: null, lastSeq: null, headHash: GENESIS_HASH });
  });

  it('verifies a trail that starts after sequence 1 (a stream purged before auditing began)', async () => {
    let previous = GENESIS_HASH;
    const records = [fields(40, 0), fields(41, 0)].map((f) => ({ ...f, hash: (previous = chainHash(previous, f)) }));
    expect(await verifyChain(records, headOf(records))).toMatchObject({ ok: true, checked: 2, firstSeq: 40 });
  });

  it.each([
    {
      desc: 'a changed payload',
      at: { stream_seq: 3, event_index: 1 },
      checked: 3,
      reason: /hash does not match/,
      tamper: (r: ChainedRecord[]) => r.map((x) => (x.stream_seq === 3 && x.event_index === 1 ? { ...x, payload: '{"n":"forged"}' } : x)),
    },
    {
      desc: 'a changed payload with its hash recomputed',
      at: { stream_seq: 3, event_index: 1 },
      checked: 3,
      reason: /hash does not match/,
      tamper: (r: ChainedRecord[]) =>
        r.map((x, i) => {
          if (i !== 2) return x;
          const { hash: _, ...forged } = { ...x, payload: '{"n":"forged"}' };
          return { ...forged, hash: chainHash(r[1].hash, forged) };
        }),
    },
    {
      desc: 'a deleted record',
      at: { stream_seq: 3, event_index: 0 },
      checked: 1,
      reason: /follows stream sequence 1 event 0/,
      tamper: (r: ChainedRecord[]) => r.filter((x) => x.stream_seq !== 2),
    },
    {
      desc: 'the deleted second event of a commit',
      at: { stream_seq: 4, event_index: 0 },
      checked: 3,
      reason: /hash does not match/,
      tamper: (r: ChainedRecord[]) => r.filter((x) => !(x.stream_seq === 3 && x.event_index === 1)),
    },
    {
      desc: 'a deleted first record',
      at: { stream_seq: 2, event_index: 0 },
      checked: 0,
      reason: /hash does not match/,
      tamper: (r: ChainedRecord[]) => r.slice(1),
    },
    {
      desc: 'reordered records',
      at: { stream_seq: 4, event_index: 0 },
      checked: 2,
      reason: /out of order/,
      tamper: (r: ChainedRecord[]) => [r[0], r[1], r[4], r[2], r[3], r[5]],
    },
    {
      desc: 'two records that swapped contents but kept their places',
      at: { stream_seq: 1, event_index: 0 },
      checked: 0,
      reason: /hash does not match/,
      tamper: (r: ChainedRecord[]) => [{ ...r[1], stream_seq: 1 }, { ...r[0], stream_seq: 2 }, ...r.slice(2)],
    },
  ])('names the first broken record after $desc', async ({ tamper, at, checked, reason }) => {
    const records = trail();
    const result = await verifyChain(tamper(records), headOf(records));
    expect(result).toMatchObject({ ok: false, checked, broken: at });
    expect(!result.ok && result.broken.reason).toMatch(reason);
  });

  it('notices records removed from the end through the head', async () => {
    const records = trail();
    const result = await verifyChain(records.slice(0, 4), headOf(records));
    expect(result).toMatchObject({ ok: false, checked: 4, broken: { stream_seq: 5, event_id: null } });
    expect(!result.ok && result.broken.reason).toMatch(/removed from the end/);
  });
});
