import type { Commit, EventEnvelope } from '@lbaas/domain';
import { checkCommitShape, checkCommitSubject, decodeCommit, decodeStoredCommit, encodeCommit, MalformedCommit } from './commit-codec';

const event: EventEnvelope = {
  id: '0192f3a4-0000-7000-8000-000000000001',
  type: 'NetworkCreated',
  version: 1,
  aggregate: 'network',
  aggregateId: 'net-1',
  tenantId: 't1',
  actor: 'demo',
  occurredAt: '2026-01-01T00:00:00.000Z',
  correlationId: 'req-1',
  causationId: null,
  data: { name: 'lb-net' },
};
const commit: Commit = { commitId: 'c1', events: [event] };
const bytes = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v));

describe('commit codec', () => {
  it('decodes what it encodes', () => {
    expect(decodeCommit(encodeCommit(commit))).toEqual(commit);
  });

  it('decodes a stored message with its sequence and subject', () => {
    expect(decodeStoredCommit({ seq: 7, subject: 'lbaas.events.network.net-1', data: encodeCommit(commit) })).toEqual({
      seq: 7,
      subject: 'lbaas.events.network.net-1',
      commit,
    });
  });

  const { data: _data, ...withoutData } = event;
  it.each([
    { desc: 'bytes that are not JSON', data: new TextEncoder().encode('{"commitId":') },
    { desc: 'JSON null', data: bytes(null) },
    { desc: 'an array', data: bytes([commit]) },
    { desc: 'no commit id', data: bytes({ events: [event] }) },
    { desc: 'no events', data: bytes({ commitId: 'c1', events: [] }) },
    { desc: 'events that are not a list', data: bytes({ commitId: 'c1', events: event }) },
    { desc: 'an event without data', data: bytes({ commitId: 'c1', events: [withoutData] }) },
    { desc: 'an event of an unknown aggregate', data: bytes({ commitId: 'c1', events: [{ ...event, aggregate: 'router' }] }) },
    { desc: 'an event version 0', data: bytes({ commitId: 'c1', events: [{ ...event, version: 0 }] }) },
    { desc: 'an event version as text', data: bytes({ commitId: 'c1', events: [{ ...event, version: '1' }] }) },
    { desc: 'an event without a type', data: bytes({ commitId: 'c1', events: [{ ...event, type: '' }] }) },
    { desc: 'a causation id that is a number', data: bytes({ commitId: 'c1', events: [{ ...event, causationId: 3 }] }) },
  ])('calls $desc a malformed commit', ({ data }) => {
    expect(() => decodeCommit(data)).toThrow(MalformedCommit);
  });

  it('takes a commit before it is encoded exactly when it would decode what was encoded', () => {
    expect(() => checkCommitShape(commit)).not.toThrow();
    for (const candidate of [
      { commitId: 'c1', events: [{ ...event, data: undefined }] },
      { commitId: 'c1', events: [{ ...event, causationId: undefined }] },
      { commitId: 'c1', events: [{ ...event, tenantId: undefined }] },
      { commitId: 'c1', events: [withoutData] },
      { commitId: '', events: [event] },
      { commitId: 'c1', events: [] },
    ]) {
      expect(() => checkCommitShape(candidate)).toThrow(MalformedCommit);
      expect(() => decodeCommit(bytes(candidate))).toThrow(MalformedCommit);
    }
  });

  it.each([
    { desc: "another aggregate's subject", subject: 'lbaas.events.network.net-2' },
    { desc: 'a subject of another kind of aggregate', subject: 'lbaas.events.subnet.net-1' },
    { desc: 'a subject outside the event stream', subject: 'lbaas.other.network.net-1' },
  ])('calls a commit stored on $desc a malformed commit', ({ subject }) => {
    expect(() => checkCommitSubject(subject, commit)).toThrow(MalformedCommit);
    expect(() => decodeStoredCommit({ seq: 1, subject, data: encodeCommit(commit) })).toThrow(MalformedCommit);
  });
});
