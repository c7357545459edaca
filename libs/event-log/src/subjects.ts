import { AGGREGATE_TYPES, type AggregateType } from '@lbaas/domain';

export const STREAM_NAME = 'LBAAS_EVENTS';
export const EVENT_SUBJECT_PREFIX = 'lbaas.events';
export const ALL_EVENTS_SUBJECT = `${EVENT_SUBJECT_PREFIX}.>`;

/** `lbaas.events.<aggregate>.<id>`: one subject per aggregate instance, the unit of optimistic concurrency. */
export const eventSubject = (aggregate: AggregateType, id: string): string => `${EVENT_SUBJECT_PREFIX}.${aggregate}.${id}`;

export function parseEventSubject(subject: string): { aggregate: AggregateType; id: string } | null {
  const parts = subject.split('.');
  if (parts.length !== 4 || `${parts[0]}.${parts[1]}` !== EVENT_SUBJECT_PREFIX) return null;
  const aggregate = AGGREGATE_TYPES.find((a) => a === parts[2]);
  return aggregate && parts[3] ? { aggregate, id: parts[3] } : null;
}
