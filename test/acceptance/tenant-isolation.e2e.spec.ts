import { makeTestCa, startStack } from '@lbaas/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ALWAYS_NAMED,
  documentedOperations,
  isUuidReference,
  type JsonSchema,
  type Operation,
  pathParameterCollection,
  pathParameters,
  REFERENCES,
} from './documented-routes';
import { type CollectionName, LIST_PATHS, NeutronApi, type Reply, absentId, expectNeutronError } from './neutron-api';
import { createEstate, createPublicNetwork, type Estate } from './tenant-estate';

/**
 * Roles and tenant isolation on every route the api documents (see documented-routes.ts: a new
 * route is walked here without an edit, and one whose body references a kind of object this
 * suite does not know fails loudly).
 *
 * Two tenants (demo, other) each own one of everything; a reader shares demo's tenant. For the
 * other tenant, each of demo's ids, in the path or in the body, must be answered exactly like a
 * random id that names nothing: same status, same error, same message.
 */

/** Values for required properties that a type alone does not make valid. */
const EXAMPLES: Readonly<Record<string, unknown>> = { cidr: '198.18.200.0/24', address: '198.18.1.40', protocol_port: 8080 };

/** Which object each reference of one request names: a collection's id for a slot, per slot. */
type Slots = Readonly<Record<string, string>>;

/** The slots of a request: `path:<param>` and `body:<property>`, each with the collection it names. */
function slotsOf(op: Operation): Record<string, CollectionName> {
  const slots: Record<string, CollectionName> = {};
  for (const param of pathParameters(op)) {
    const collection = pathParameterCollection(op, param);
    if (collection !== undefined) slots[`path:${param}`] = collection;
  }
  for (const name of bodyProperties(op)) {
    const schema = op.body?.schema.properties?.[name];
    if (schema === undefined || !isUuidReference(schema)) continue;
    const collection = REFERENCES[name];
    if (collection === undefined) throw new Error(`${op.operationId}: no collection known for body property ${name}`);
    slots[`body:${name}`] = collection;
  }
  return slots;
}

/** The required properties, or for an update (nothing required) one harmless setting; and the references always named. */
function bodyProperties(op: Operation): string[] {
  const schema = op.body?.schema;
  if (!schema) return [];
  const properties = Object.keys(schema.properties ?? {});
  const always = ALWAYS_NAMED.filter((name) => properties.includes(name));
  if (schema.required && schema.required.length > 0) return [...schema.required, ...always];
  return [properties.includes('admin_state_up') ? 'admin_state_up' : properties[0], ...always];
}

function valueFor(name: string, schema: JsonSchema): unknown {
  if (name in EXAMPLES) return EXAMPLES[name];
  const literal = schema.anyOf?.find((s) => s.const !== undefined)?.const ?? schema.const;
  if (literal !== undefined) return literal;
  if (schema.type === 'integer') return schema.minimum ?? 1;
  if (schema.type === 'boolean') return true;
  return 'isolation';
}

/** A request of `op` whose references are `slots`; the body is otherwise valid, so a refusal is about the objects named. */
function requestFor(op: Operation, slots: Slots, fallbackId: string): { path: string; json?: unknown } {
  const path = op.path.replace(/\{(\w+)\}/g, (_m, param: string) => slots[`path:${param}`] ?? fallbackId);
  if (!op.body) return { path };
  const fields: Record<string, unknown> = {};
  for (const name of bodyProperties(op)) {
    const schema = op.body.schema.properties?.[name] ?? {};
    fields[name] = slots[`body:${name}`] ?? valueFor(name, schema);
  }
  return { path, json: { [op.body.key]: fields } };
}

/** Status and body with the ids of the request replaced by the slots' names, so two answers compare. */
function normalized(reply: Reply<unknown>, slots: Slots): { status: number; text: string } {
  let text = reply.text;
  for (const [slot, id] of Object.entries(slots)) text = text.split(id).join(`<${slot}>`);
  return { status: reply.status, text };
}

describe('roles and tenant isolation on every route', () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  let demo: NeutronApi;
  let other: NeutronApi;
  let reader: NeutronApi;
  let admin: NeutronApi;
  let operations: Operation[];
  let mine: Estate;
  let theirs: Estate;
  let demoTenant: string;
  let otherTenant: string;
  const caDir = mkdtempSync(join(tmpdir(), 'lbt-isolation-ca-'));

  beforeAll(async () => {
    const ca = await makeTestCa(caDir);
    stack = await startStack();
    demo = new NeutronApi(stack.apiUrl, stack.tokens.demo.token);
    other = demo.as(stack.tokens.other.token);
    reader = demo.as(stack.tokens.reader.token);
    admin = demo.as(stack.tokens.admin.token);
    demoTenant = stack.tokens.demo.tenant_id;
    otherTenant = stack.tokens.other.tenant_id;
    operations = await documentedOperations(demo.as(null));
    const publicNet = await createPublicNetwork(admin);
    mine = await createEstate(demo, 'demo', 1, publicNet, await ca.issue(['demo.example.test']));
    theirs = await createEstate(other, 'other', 2, publicNet, await ca.issue(['other.example.test']));
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    rmSync(caDir, { recursive: true, force: true });
  }, 60_000);

  /** The visible state and the stream's last sequence, so that a refused write can be shown to have changed nothing. */
  async function state(): Promise<unknown> {
    const ready = await demo.as(null).get<{ projections: { streamLastSeq: number } }>('/readyz');
    return { snapshot: await admin.snapshot(), streamLastSeq: ready.body.projections.streamLastSeq };
  }

  it('walks the documented routes, writes and operator views among them', () => {
    expect(operations.filter((op) => op.method !== 'GET').length).toBeGreaterThan(10);
    expect(operations.filter((op) => op.adminOnly).map((op) => op.path)).toEqual(
      expect.arrayContaining(['/v2.0/lb/nodes', '/v2.0/lb/service_instances']),
    );
    expect(operations.filter((op) => op.adminOnly && op.method !== 'GET').map((op) => op.operationId)).toEqual(['resealCertificate']);
  });

  it("answers another tenant's ids, in the path and in the body, exactly like ids that name nothing", async () => {
    const before = await state();
    const mismatches: unknown[] = [];
    const compared: string[] = [];
    for (const op of operations.filter((o) => !o.adminOnly)) {
      const slots = slotsOf(op);
      for (const slot of Object.keys(slots)) {
        compared.push(`${op.operationId} ${slot}`);
        // Every other reference is the caller's own object, so the one under test is the only reason to refuse.
        const own = Object.fromEntries(Object.entries(slots).map(([s, c]) => [s, theirs[c].id]));
        const foreign = { ...own, [slot]: mine[slots[slot]].id };
        const nothing = { ...own, [slot]: absentId() };
        const [a, b] = [requestFor(op, foreign, absentId()), requestFor(op, nothing, absentId())];
        const withForeign = normalized(await other.request(op.method, a.path, { json: a.json }), { [slot]: foreign[slot] });
        const withNothing = normalized(await other.request(op.method, b.path, { json: b.json }), { [slot]: nothing[slot] });
        if (withForeign.status !== 404 || withForeign.text !== withNothing.text) {
          mismatches.push({ operation: op.operationId, slot, withForeign, withNothing });
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(compared).toEqual(
      expect.arrayContaining([
        'showPort path:id',
        'updateFloatingIp body:port_id',
        'createVip body:pool_id',
        'associateHealthMonitor body:id',
        'disassociateHealthMonitor path:monitor_id',
        'showPoolStats path:id',
        'deleteMember path:id',
        'showCertificate path:id',
        'updateCertificate path:id',
        'deleteCertificate path:id',
        'createVip body:tls_certificate_id',
        'updateVip body:tls_certificate_id',
        'showSecurityGroup path:id',
        'deleteSecurityGroup path:id',
      ]),
    );
    expect(await state()).toEqual(before);
  });

  it('refuses every write to a reader with 403 PolicyNotAuthorized, and lets it read what its tenant owns', async () => {
    const before = await state();
    const mismatches: unknown[] = [];
    for (const op of operations) {
      const slots = Object.fromEntries(Object.entries(slotsOf(op)).map(([s, c]) => [s, mine[c].id]));
      const { path, json } = requestFor(op, slots, absentId());
      const asReader = await reader.request(op.method, path, { json });
      const type = (asReader.body as { NeutronError?: { type?: string } } | null)?.NeutronError?.type;
      if (op.method !== 'GET' && (asReader.status !== 403 || type !== 'PolicyNotAuthorized'))
        mismatches.push({ operation: op.operationId, status: asReader.status, type });
      if (op.method === 'GET' && !op.adminOnly && asReader.status !== 200)
        mismatches.push({ operation: op.operationId, status: asReader.status, text: asReader.text });
    }
    expect(mismatches).toEqual([]);
    expect(await state()).toEqual(before);
  });

  it('answers every route without a valid token with 401', async () => {
    const before = await state();
    for (const op of operations) {
      const { path, json } = requestFor(op, {}, absentId());
      expectNeutronError(await demo.as(null).request(op.method, path, { json }), 401, 'HTTPUnauthorized');
      expectNeutronError(await demo.as(`not-a-token-${absentId()}`).request(op.method, path, { json }), 401, 'HTTPUnauthorized');
    }
    expect(await state()).toEqual(before);
  });

  it("keeps operator views and administrators' writes for administrators: 403 for members and readers, answered for the admin", async () => {
    const before = await state();
    for (const op of operations.filter((o) => o.adminOnly)) {
      const path = op.path.replace(/\{(\w+)\}/g, () => absentId());
      for (const caller of [demo, other, reader]) expectNeutronError(await caller.request(op.method, path), 403, 'PolicyNotAuthorized');
      expect((await admin.request(op.method, path)).status).toBe(path === op.path ? 200 : 404);
    }
    // Members get the same 403 for their own objects as for anything else.
    for (const op of operations.filter((o) => o.adminOnly && o.method !== 'GET')) {
      const { path } = requestFor(op, Object.fromEntries(Object.entries(slotsOf(op)).map(([s, c]) => [s, mine[c].id])), absentId());
      expectNeutronError(await demo.request(op.method, path), 403, 'PolicyNotAuthorized');
    }
    expect(await state()).toEqual(before);
  });

  it('shows every object to the admin and to its own tenant', async () => {
    for (const op of operations.filter((o) => o.method === 'GET' && !o.adminOnly && o.path.includes('{'))) {
      for (const [caller, estate] of [
        [admin, mine],
        [admin, theirs],
        [demo, mine],
        [other, theirs],
      ] as const) {
        const { path } = requestFor(op, Object.fromEntries(Object.entries(slotsOf(op)).map(([s, c]) => [s, estate[c].id])), absentId());
        expect({ operationId: op.operationId, status: (await caller.get(path)).status }).toEqual({
          operationId: op.operationId,
          status: 200,
        });
      }
    }
  });

  it("never lists another tenant's rows, whatever the filters, and pages over a foreign marker like a missing one", async () => {
    const lists = operations.filter((o) => o.method === 'GET' && !o.adminOnly && o.collection !== undefined && !o.path.includes('{'));
    expect(lists.map((o) => o.collection).sort()).toEqual(Object.keys(LIST_PATHS).sort());
    const leaks: unknown[] = [];
    for (const op of lists) {
      const collection = op.collection as CollectionName;
      for (const [caller, stranger, strangerTenant, strangerEstate] of [
        [other, 'demo', demoTenant, mine],
        [demo, 'other', otherTenant, theirs],
      ] as const) {
        const target = strangerEstate[collection];
        const queries = [
          '',
          `?tenant_id=${strangerTenant}`,
          `?id=${target.id}`,
          `?id=${target.id}&fields=id&fields=tenant_id`,
          `?tenant_id=${strangerTenant}&limit=1`,
          ...(target.name === undefined ? [] : [`?name=${encodeURIComponent(target.name)}`]),
        ];
        for (const query of queries) {
          const reply = await caller.get<Record<string, { id: string; tenant_id?: string }[]>>(`${op.path}${query}`);
          const rows = reply.body?.[collection] ?? [];
          if (reply.status !== 200 || rows.some((r) => r.id === target.id || r.tenant_id === strangerTenant)) {
            leaks.push({ caller: stranger === 'demo' ? 'other' : 'demo', path: `${op.path}${query}`, status: reply.status, rows });
          }
        }
        const missing = absentId();
        const foreignMarker = normalized(await caller.get(`${op.path}?limit=1&marker=${target.id}`), { marker: target.id });
        const missingMarker = normalized(await caller.get(`${op.path}?limit=1&marker=${missing}`), { marker: missing });
        if (foreignMarker.text !== missingMarker.text || foreignMarker.status !== missingMarker.status)
          leaks.push({ path: op.path, foreignMarker, missingMarker });
      }
      const everyone = await admin.get<Record<string, { id: string }[]>>(`${op.path}?tenant_id=${demoTenant}&tenant_id=${otherTenant}`);
      expect(everyone.body[collection].map((r) => r.id)).toEqual(expect.arrayContaining([mine[collection].id, theirs[collection].id]));
    }
    expect(leaks).toEqual([]);
  });
});
