import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { HttpError } from '../../http/errors';
import { type OctaviaBodyName, type OctaviaBodyOf, octaviaBodySchemas } from './octavia-schemas';

// allErrors: every unknown attribute is named at once, as wsme names them.
const ajv = new Ajv({ allErrors: true, strict: true, coerceTypes: false, useDefaults: false, verbose: true });
addFormats(ajv, ['ipv4', 'uuid']);

const invalid = (message: string): HttpError => new HttpError(400, 'InvalidInput', message);

/** A client's value in a message: quoted, and cut short so an error never echoes a large body. */
function shown(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    text = 'a deeply nested value';
  }
  return text.length > 64 ? `${text.slice(0, 64)}...` : text;
}

const FORMAT_NAMES: Readonly<Record<string, string>> = { ipv4: 'an IPv4 address', uuid: 'a UUID' };

/**
 * What is wrong with a body, in wsme's words as Octavia answers them: unknown attributes by name
 * (all of them), a missing mandatory one, or the first field whose value does not fit.
 */
export function describeBodyErrors(key: string, errors: readonly ErrorObject[]): string {
  const unknown = errors.filter((e) => e.keyword === 'additionalProperties');
  if (unknown.length > 0) {
    const names = [
      ...new Set(unknown.map((e) => [...e.instancePath.split('/').filter(Boolean), String(e.params.additionalProperty)].join('.'))),
    ];
    return `Unknown attribute for argument ${key}: ${names.join(', ')}`;
  }
  const missing = errors.find((e) => e.keyword === 'required');
  if (missing) {
    const where = [...missing.instancePath.split('/').filter(Boolean), String(missing.params.missingProperty)].join('.');
    return `Invalid input for field/attribute ${where}. Value: 'None'. Mandatory field missing.`;
  }
  const first = errors[0];
  const field = first.instancePath.split('/').filter(Boolean).join('.') || key;
  const here = errors.filter((e) => e.instancePath === first.instancePath);
  const allowed = here.filter((e) => e.keyword === 'const').map((e) => String(e.params.allowedValue));
  const value = shown(first.data);
  if (allowed.length > 0)
    return `Invalid input for field/attribute ${field}. Value: '${value}'. Value should be one of: ${allowed.join(', ')}`;
  const format = here.find((e) => e.keyword === 'format');
  if (format)
    return `Invalid input for field/attribute ${field}. Value: '${value}'. Value should be ${FORMAT_NAMES[String(format.params.format)] ?? String(format.params.format)}`;
  const reason = here.find((e) => e.keyword !== 'type' && e.keyword !== 'anyOf') ?? first;
  return `Invalid input for field/attribute ${field}. Value: '${value}'. ${reason.message ?? 'is not valid'}`;
}

/** Parses `{"<key>": ...}`, the envelope's only key, and validates the value against the route's schema. */
export function parseOctaviaBody<N extends OctaviaBodyName>(raw: string, key: string, schema: N): OctaviaBodyOf<N> {
  if (raw.trim() === '') throw invalid(`Missing argument: "${key}": send {"${key}": ...}.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw invalid('Malformed request body: it is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw invalid(`Malformed request body: expected an object with the key '${key}'.`);
  const keys = Object.keys(parsed);
  const extra = keys.filter((k) => k !== key);
  if (extra.length > 0) throw invalid(`Unknown argument: ${extra.map((k) => `"${shown(k)}"`).join(', ')}`);
  if (keys.length === 0) throw invalid(`Missing argument: "${key}"`);
  const inner: unknown = (parsed as Record<string, unknown>)[key];
  // Ajv compiles each schema once and keeps it.
  const validate = ajv.compile<OctaviaBodyOf<N>>(octaviaBodySchemas[schema]);
  if (validate(inner)) return inner;
  const errors = validate.errors ?? [];
  throw invalid(errors.length > 0 ? describeBodyErrors(key, errors) : `Invalid input for ${key}.`);
}
