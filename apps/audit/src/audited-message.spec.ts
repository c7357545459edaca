import type { Commit } from '@lbaas/domain';
import { createHash } from 'node:crypto';
import { auditedMessageOf } from './audited-message';

const NETWORK = '2d4f6a8c-1b3d-4e5f-8a9b-0c1d2e3f4a5b';
const SUBJECT = `lbaas.events.network.${NETWORK}`;
const TIMESTAMP_NANOS = Date.parse('2026-01-15T09:30:00.250Z') * 1e6;
const commit: Commit = {
  commitId: 'c-1',
  events: [
    {
      id: 'e-1',
      type: 'NetworkCreated',
      version: 1,
      aggregate: 'network',
      aggregateId: NETWORK,
      occurredAt: '2026-01-15T09:30:00.000Z',
      tenantId: 't-1',
      actor: 'demo',
      correlationId: 'req-1',
      causationId: null,
      data: { networkId: NETWORK, tenantId: 't-1', name: 'net', adminStateUp: true, shared: false, external: false },
    },
  ],
};
const bytes = (text: string) => new TextEncoder().encode(text);

describe('auditedMessageOf', () => {
  it('decodes a commit and takes the stream timestamp as the time it was stored', () => {
    const message = { seq: 3, subject: SUBJECT, data: bytes(JSON.stringify(commit)), info: { timestampNanos: TIMESTAMP_NANOS } };
    expect(auditedMessageOf(message)).toEqual({ seq: 3, subject: SUBJECT, storedAt: '2026-01-15T09:30:00.250Z', commit });
  });

  it.each([
    { desc: 'not JSON', text: 'password=hunter2', subject: SUBJECT, reason: /not JSON/ },
    {
      desc: "a commit stored on another aggregate's subject",
      text: JSON.stringify(commit),
      subject: 'lbaas.events.pool.p-1',
      reason: /is stored on/,
    },
  ])('keeps a message that is $desc as its digest and size, never its bytes', ({ text, subject, reason }) => {
    const audited = auditedMessageOf({ seq: 4, subject, data: bytes(text), info: { timestampNanos: TIMESTAMP_NANOS } });
    expect(audited).toEqual({
      seq: 4,
      subject,
      storedAt: '2026-01-15T09:30:00.250Z',
      undecodable: { reason: expect.stringMatching(reason), sha256: createHash('sha256').update(text).digest('hex'), bytes: text.length },
    });
    expect(JSON.stringify(audited)).not.toContain('hunter2');
  });
});
