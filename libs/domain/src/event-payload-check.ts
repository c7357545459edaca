import { Value } from '@sinclair/typebox/value';
import { EVENT_PAYLOAD_SCHEMAS, EVENT_TYPES, type LbaasEventType } from './catalogue';
import type { DomainEvent } from './envelope';

const isCatalogued = (type: string): type is LbaasEventType => Object.hasOwn(EVENT_PAYLOAD_SCHEMAS, type);

/**
 * How `event` differs from its entry in the catalogue: an unknown type, another version, or a
 * payload its schema rejects (a missing, extra or mistyped field). Empty when it conforms.
 */
export function catalogueMismatches(event: DomainEvent<string, number, unknown>): string[] {
  if (!isCatalogued(event.type)) return [`${event.type} is not an event type of the catalogue`];
  const entry = EVENT_TYPES.find((e) => e.type === event.type);
  const problems = entry && entry.version !== event.version ? [`${event.type} is at version ${entry.version}, not ${event.version}`] : [];
  for (const error of Value.Errors(EVENT_PAYLOAD_SCHEMAS[event.type], event.data)) {
    problems.push(`${event.type} data${error.path || ''}: ${error.message}`);
  }
  return problems;
}
