import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { IncomingMessage } from 'node:http';
import { HttpError } from './errors';
import { type BodySchemaName, bodySchemas } from './schemas';

export const MAX_BODY_BYTES = 1024 * 1024;

const ajv = new Ajv({ allErrors: false, strict: true, coerceTypes: false, useDefaults: false });
addFormats(ajv, ['ipv4', 'uuid']);
const validators = new Map<BodySchemaName, ValidateFunction>(
  (Object.keys(bodySchemas) as BodySchemaName[]).map((name) => [name, ajv.compile(bodySchemas[name])]),
);

/** Reads the raw body with a size bound: a larger one is a 413, whatever its Content-Length says. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      req.resume();
      return reject(tooLarge());
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        reject(tooLarge());
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const tooLarge = (): HttpError =>
  new HttpError(413, 'HTTPRequestEntityTooLarge', `Request body is larger than the limit of ${MAX_BODY_BYTES} bytes.`);

function describe(error: ErrorObject): string {
  const field = error.instancePath.split('/').filter(Boolean).join('.') || String(error.params.missingProperty ?? 'body');
  if (error.keyword === 'additionalProperties') return `Unrecognized attribute(s) '${String(error.params.additionalProperty)}'`;
  if (error.keyword === 'required') return `Failed to parse request. Required attribute '${String(error.params.missingProperty)}' not specified`;
  const allowed = error.keyword === 'const' ? ` (allowed: ${JSON.stringify(error.params.allowedValue)})` : '';
  return `Invalid input for ${field}. Reason: ${error.message ?? 'invalid value'}${allowed}.`;
}

/** Parses `{"<key>": {...}}` and validates the inner object against its schema; 400 with Neutron's wording otherwise. */
export function parseResourceBody<T>(raw: string, key: string, schema: BodySchemaName): T {
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
    throw new HttpError(400, 'HTTPBadRequest', `Unable to find '${key}' in request body${keys.length > 1 ? ' (it must be the only key)' : ''}.`);
  }
  const inner = (parsed as Record<string, unknown>)[key];
  if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) {
    throw new HttpError(400, 'HTTPBadRequest', `Invalid input for ${key}: expected an object.`);
  }
  const validate = validators.get(schema);
  if (!validate) throw new Error(`no validator for ${schema}`);
  if (!validate(inner)) {
    const first = validate.errors?.[0];
    throw new HttpError(400, 'HTTPBadRequest', first ? describe(first) : `Invalid input for ${key}.`);
  }
  return inner as T;
}
