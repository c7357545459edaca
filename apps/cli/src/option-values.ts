import { UsageError } from './cli-errors';
import { SESSION_PERSISTENCE_TYPES, type SessionPersistence } from '@lbaas/domain';

/** `true`/`false` in any case, as `--admin-state-up True` is written in Neutron's docs. */
export function booleanValue(option: string, text: string): boolean {
  const lower = text.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw new UsageError(`argument --${option}: invalid choice: '${text}' (choose from 'true', 'false')`);
}

/** A decimal integer, negative ones included; the API checks the range. */
export function integerValue(option: string, text: string): number {
  if (!/^-?\d{1,10}$/.test(text)) throw new UsageError(`argument --${option}: invalid int value: '${text}'`);
  return Number(text);
}

/** A number of seconds greater than zero, fractions allowed. */
export function secondsValue(option: string, text: string): number {
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || value <= 0)
    throw new UsageError(`argument --${option}: expected a number of seconds greater than 0, not '${text}'`);
  return value;
}

/** One of a fixed set of words, matched case-insensitively and answered in the set's spelling. */
export function choiceValue<T extends string>(option: string, text: string, choices: readonly T[]): T {
  const found = choices.find((c) => c.toLowerCase() === text.toLowerCase());
  if (found === undefined)
    throw new UsageError(`argument --${option}: invalid choice: '${text}' (choose from ${choices.map((c) => `'${c}'`).join(', ')})`);
  return found;
}

/**
 * `key=value,key=value` as the neutron CLI takes dictionaries (`--allocation-pool
 * start=198.18.1.10,end=198.18.1.20`), with the keys it allows and the keys it needs.
 */
export function keyValues(option: string, text: string, allowed: readonly string[], needed: readonly string[]): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    const key = eq === -1 ? part.trim() : part.slice(0, eq).trim();
    if (eq === -1 || key === '') throw new UsageError(`argument --${option}: expected key=value[,key=value], not '${text}'`);
    if (!allowed.includes(key)) throw new UsageError(`argument --${option}: unknown key '${key}' (allowed: ${allowed.join(', ')})`);
    pairs[key] = part.slice(eq + 1).trim();
  }
  const absent = needed.filter((key) => !(key in pairs));
  if (absent.length > 0) throw new UsageError(`argument --${option}: missing ${absent.join(', ')} in '${text}'`);
  return pairs;
}

/** An option's metavar listing its choices, as argparse prints them: `{A,B,C}`. */
export const choicesMetavar = (values: readonly string[]): string => `{${values.join(',')}}`;

/** `type=HTTP_COOKIE` or `type=APP_COOKIE,cookie_name=X`; only APP_COOKIE takes (and needs) a cookie name. */
export function sessionPersistenceValue(text: string): SessionPersistence {
  const option = 'session-persistence';
  const pairs = keyValues(option, text, ['type', 'cookie_name'], ['type']);
  const type = choiceValue(option, pairs.type, SESSION_PERSISTENCE_TYPES);
  if (type === 'APP_COOKIE') {
    if (!pairs.cookie_name) throw new UsageError(`argument --${option}: type=APP_COOKIE needs cookie_name=NAME`);
    return { type, cookie_name: pairs.cookie_name };
  }
  if (pairs.cookie_name !== undefined) throw new UsageError(`argument --${option}: cookie_name goes with type=APP_COOKIE only`);
  return { type };
}
