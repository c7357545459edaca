import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { IncomingMessage } from 'node:http';
import { HttpError } from './errors';
import { type BodyOf, type BodySchemaName, bodySchemas } from './schemas';

export const MAX_BODY_BYTES = 1024 * 1024;

// verbose: the errors carry the offending value, which the messages quote like Neutron's do.
const ajv = new Ajv({ allErrors: false, strict: true, coerceTypes: false, useDefaults: false, verbose: true });
addFormats(ajv, ['ipv4', 'uuid']);
/** Every body schema compiled once, at start: a request only runs its validator. */
const validators = Object.fromEntries(Object.entries(bodySchemas).map(([name, schema]) => [name, ajv.compile(schema)])) as {
  readonly [N in BodySchemaName]: ValidateFunction<BodyOf<N>>;
};
/**
 * Bodies past this many bytes beyond the limit are not read to their end: the connection is
 * closed after the 413 instead, so a client cannot keep the api reading for ever.
 */
export const MAX_DISCARDED_BYTES = 16 * 1024 * 1024;

/**
 * Reads the raw body with a size bound: a larger one is a 413, whatever its Content-Length says.
 * The rest of an oversized body is read and dropped before the 413 is answered (up to
 * MAX_DISCARDED_BYTES more): a client that writes its whole body before it reads the answer
 * would otherwise find the connection reset under it and never see the 413.
 */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES + MAX_DISCARDED_BYTES) {
      req.resume();
      return reject(tooLarge());
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      else if (size > MAX_BODY_BYTES + MAX_DISCARDED_BYTES) {
        req.off('data', onData);
        req.resume();
        reject(tooLarge());
      }
    };
    req.on('data', onData);
    req.on('end', () => (size > MAX_BODY_BYTES ? reject(tooLarge()) : resolve(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

const tooLarge = (): HttpError =>
  new HttpError(413, 'HTTPRequestEntityTooLarge', `Request body is larger than the limit of ${MAX_BODY_BYTES} bytes.`);

/** A client's value in a message: quoted, and cut short so an error never echoes a large body. */
function quoted(value: unknown): string {
  const text = typeof value === 'string' ? value : jsonText(value);
  const cut = text.length > 64 ? `${text.slice(0, 64)}...` : text;
  return typeof value === 'string' ? `'${cut}'` : cut;
}

/** JSON.parse takes nesting that JSON.stringify overflows the stack on: such a value is named, not quoted. */
function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Array.isArray(value) ? 'a deeply nested array' : 'a deeply nested object';
  }
}

/** Fields whose value no message may quote, not even its first characters. */
const SECRET_FIELDS: ReadonlySet<string> = new Set(['private_key']);

const FORMAT_NAMES: Readonly<Record<string, string>> = { ipv4: 'IPv4 address', uuid: 'UUID' };

/**
 * Neutron's wording for the first thing wrong with a body. A union (an enum of literals, a
 * value or null) fails once per alternative: those errors are reported together.
 */
function describe(errors: readonly ErrorObject[]): string {
  const first = errors[0];
  const path = first.instancePath.split('/').filter(Boolean);
  const field = path.join('.') || String(first.params.missingProperty ?? 'body');
  const secret = SECRET_FIELDS.has(path[path.length - 1] ?? '');
  const shown = (value: unknown): string => (secret ? 'the value (not shown: it is secret)' : quoted(value));
  if (first.keyword === 'additionalProperties') return `Unrecognized attribute(s) '${String(first.params.additionalProperty)}'`;
  if (first.keyword === 'required')
    return `Failed to parse request. Required attribute '${String(first.params.missingProperty)}' not specified`;
  const here = errors.filter((e) => e.instancePath === first.instancePath);
  const allowed = here.filter((e) => e.keyword === 'const').map((e) => quoted(e.params.allowedValue));
  if (allowed.length > 0) return `Invalid input for ${field}. Reason: ${shown(first.data)} is not in [${allowed.join(', ')}].`;
  const types = here.filter((e) => e.keyword === 'type').map((e) => String(e.params.type));
  if (types.length > 1) return `Invalid input for ${field}. Reason: ${shown(first.data)} is not of type ${types.join(' or ')}.`;
  if (first.keyword === 'format') {
    const format = String(first.params.format);
    return `Invalid input for ${field}. Reason: ${shown(first.data)} is not a valid ${FORMAT_NAMES[format] ?? format}.`;
  }
  return `Invalid input for ${field}. Reason: ${shown(first.data)} ${first.message ?? 'is not valid'}.`;
}

/** Parses `{"<key>": {...}}` and validates the inner object against its schema; 400 with Neutron's wording otherwise. */
export function parseResourceBody<N extends BodySchemaName>(raw: string, key: string, schema: N): BodyOf<N> {
  const inner = resourceOf(raw, key);
  const validate: ValidateFunction<BodyOf<N>> = validators[schema];
  if (validate(inner)) return inner;
  const errors = validate.errors ?? [];
  // Neutron's converters fail with InvalidInput; its range and enum checks with HTTPBadRequest.
  const unconvertible = errors[0]?.keyword === 'type' && ['integer', 'boolean'].includes(String(errors[0].params.type));
  throw new HttpError(
    400,
    unconvertible ? 'InvalidInput' : 'HTTPBadRequest',
    errors.length > 0 ? describe(errors) : `Invalid input for ${key}.`,
  );
}

/** The object under `key`, the envelope's only key. */
function resourceOf(raw: string, key: string): Record<string, unknown> {
  if (raw.trim() === '') throw new HttpError(400, 'HTTPBadRequest', `Resource body required: send {"${key}": {...}}.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new HttpError(400, 'MalformedRequestBody', 'Malformed request body: it is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new HttpError(400, 'HTTPBadRequest', `Malformed request body: expected an object with the key '${key}'.`);
  }
  const keys = Object.keys(parsed);
  if (keys.length !== 1 || keys[0] !== key) {
    throw new HttpError(
      400,
      'HTTPBadRequest',
      `Unable to find '${key}' in request body${keys.length > 1 ? ' (it must be the only key)' : ''}.`,
    );
  }
  const inner: unknown = (parsed as Record<string, unknown>)[key];
  if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) {
    throw new HttpError(400, 'HTTPBadRequest', `Invalid input for ${key}: expected an object.`);
  }
  return inner as Record<string, unknown>;
}

/** A write that takes no body (an action on the object in the path) accepts none, or an empty JSON object. */
export function requireNoBody(raw: string): undefined {
  const text = raw.trim();
  if (text === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'MalformedRequestBody', 'Malformed request body: it is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || Object.keys(parsed).length > 0) {
    throw new HttpError(400, 'HTTPBadRequest', 'This request takes no body: send none, or an empty JSON object {}.');
  }
  return undefined;
}
