import { Conflict, NotFound, ValidationError } from '../errors';
import { isIpv4 } from '../ipv4';
import { PROVIDER_NAME } from './model';
import type { LbHealthMonitorState, LbMemberState, LbPoolState, ListenerState, LoadBalancerState, LiveLoadBalancer } from './state';

/*
 * Octavia's answers, in its words: wsme's "Invalid input for field/attribute" for a field out of
 * its type's bounds, "Validation failure:" for a rule between fields, "... is not a valid option
 * for ..." for an option the object cannot take, and the provider driver's "does not support a
 * requested option" for what this provider's data plane cannot serve.
 */
export const invalidInput = (field: string, value: unknown, reason: string): ValidationError =>
  new ValidationError(`Invalid input for field/attribute ${field}. Value: '${String(value)}'. ${reason}`, 'InvalidInput');

export const validationFailure = (detail: string): ValidationError =>
  new ValidationError(`Validation failure: ${detail}`, 'ValidationException');

export const invalidOption = (value: string, option: string): ValidationError =>
  new ValidationError(`${value} is not a valid option for ${option}`, 'InvalidOption');

/** Octavia answers this with 501; here it is a 400, as the contract of issue 15 has it, with the provider's words. */
export const providerLimit = (limit: string): ValidationError =>
  new ValidationError(`Provider '${PROVIDER_NAME}' does not support a requested option: ${limit}`, 'ProviderUnsupportedOptionError');

export const idExists = (): Conflict => new Conflict('IDAlreadyExists', 'Already an entity with that specified id.');

export const MAX_TEXT_LENGTH = 255;
/** Octavia sets no bound on the number of tags; this one (Neutron's) keeps events and rows small. */
export const MAX_TAGS = 50;
export const MIN_PORT = 1;
export const MAX_PORT = 65535;

export function checkInteger(field: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value)) throw invalidInput(field, value, 'Value should be an integer');
  if (value < min) throw invalidInput(field, value, `Value should be greater or equal to ${min}`);
  if (value > max) throw invalidInput(field, value, `Value should be lower or equal to ${max}`);
}

export const checkPort = (field: string, value: number): void => checkInteger(field, value, MIN_PORT, MAX_PORT);

export function checkText(field: string, value: string): void {
  if (value.length > MAX_TEXT_LENGTH) {
    throw invalidInput(field, value, `Value should have a maximum character requirement of ${MAX_TEXT_LENGTH}`);
  }
}

export function checkTags(tags: readonly string[]): void {
  if (tags.length > MAX_TAGS) throw invalidInput('tags', tags.join(','), `A resource has at most ${MAX_TAGS} tags`);
  for (const tag of tags) {
    if (tag.length === 0) throw invalidInput('tags', tag, 'A tag is a non-empty string');
    checkText('tags', tag);
  }
}

/** Tags are a set, as Octavia stores them: a repeated tag is kept once, in its first place. */
export const distinctTags = (tags: readonly string[]): string[] => [...new Set(tags)];

/** An address the data plane can reach: IPv4; IPv6 is a limit of this provider's nodes, anything else a bad value. */
export function checkAddress(field: string, address: string): void {
  if (isIpv4(address)) return;
  if (address.includes(':') && /^[0-9A-Fa-f:.]+$/.test(address)) {
    throw providerLimit(`IPv6 addresses (${field}); this provider's data plane is IPv4 only`);
  }
  throw invalidInput(field, address, 'Value should be IPv4 or IPv6 format');
}

export function liveLoadBalancer(state: LoadBalancerState, id: string): LiveLoadBalancer {
  if (state.kind !== 'live') throw new NotFound('LoadBalancer', id, `Load Balancer ${id} not found.`);
  return state;
}

export function listenerOf(lb: LiveLoadBalancer, id: string): ListenerState {
  const found = lb.listeners.find((l) => l.id === id);
  if (!found) throw new NotFound('Listener', id, `Listener ${id} not found.`);
  return found;
}

export function poolOf(lb: LiveLoadBalancer, id: string): LbPoolState {
  const found = lb.pools.find((p) => p.id === id);
  if (!found) throw new NotFound('Pool', id, `Pool ${id} not found.`);
  return found;
}

export function memberOf(pool: LbPoolState, id: string): LbMemberState {
  const found = pool.members.find((m) => m.id === id);
  if (!found) throw new NotFound('Member', id, `Member ${id} not found.`);
  return found;
}

export function monitorOf(lb: LiveLoadBalancer, id: string): { pool: LbPoolState; monitor: LbHealthMonitorState } {
  for (const pool of lb.pools) if (pool.monitor?.id === id) return { pool, monitor: pool.monitor };
  throw new NotFound('HealthMonitor', id, `Health Monitor ${id} not found.`);
}
