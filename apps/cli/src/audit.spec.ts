import { AuditStore } from '@lbaas/audit-store';
import type { Commit } from '@lbaas/domain';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from 'sqlite3';
import { runAudit, sinceValue } from './audit';

const commit = (aggregateId: string, type: string, occurredAt: string): Commit => ({
  commitId: `c-${aggregateId}-${type}`,
  events: [
    {
      id: `${aggregateId}-${type}`,
      type,
      version: 1,
      aggregate: 'network',
      aggregateId,
      occurredAt,
      tenantId: `tenant-of-${aggregateId}`,
      actor: 'demo',
      correlationId: 'req-1',
      causationId: null,
      data: { networkId: aggregateId },
    },
  ],
});

describe('lbaas audit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lbaas-cli-audit-'));
  const path = join(dir, 'audit.sqlite');
  const env = { LBAAS_AUDIT_DB: path };
  let stdout = '';
  let stderr = '';

  beforeAll(async () => {
    const store = await AuditStore.open({ sqlitePath: path });
    const commits = [
      commit('n-1', 'NetworkCreated', '2026-01-01T00:00:01.000Z'),
      commit('n-2', 'NetworkCreated', '2026-01-01T00:00:02.000Z'),
      commit('n-1', 'NetworkDeleted', '2026-01-01T00:00:03.000Z'),
    ];
    await store.append(
      commits.map((c, i) => ({
        seq: i + 1,
        subject: `lbaas.events.network.${c.events[0].aggregateId}`,
        storedAt: c.events[0].occurredAt,
        commit: c,
      })),
    );
    await store.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => {
    stdout = '';
    stderr = '';
    jest.spyOn(process.stdout, 'write').mockImplementation((text) => ((stdout += String(text)), true));
    jest.spyOn(process.stderr, 'write').mockImplementation((text) => ((stderr += String(text)), true));
  });
  afterEach(() => jest.restoreAllMocks());

  it("lists an object's events as a table", async () => {
    expect(await runAudit(['--object', 'n-1'], env)).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[1]).toMatch(
      /\| stream_seq \| event_index \| occurred_at +\| event_type +\| aggregate \| aggregate_id \| tenant_id +\| actor \|/,
    );
    expect(lines.filter((l) => l.includes('n-1 '))).toHaveLength(2);
    expect(stdout).not.toContain('n-2');
  });

  it.each([
    { desc: 'a tenant', args: ['--tenant', 'tenant-of-n-2'], events: ['n-2-NetworkCreated'] },
    {
      desc: 'a start time, in any ISO 8601 form',
      args: ['--since', '2026-01-01T01:00:02+01:00'],
      events: ['n-2-NetworkCreated', 'n-1-NetworkDeleted'],
    },
    { desc: 'nothing', args: [], events: ['n-1-NetworkCreated', 'n-2-NetworkCreated', 'n-1-NetworkDeleted'] },
  ])('filters by $desc, every field and the payload as an object in JSON', async ({ args, events }) => {
    expect(await runAudit([...args, '-f', 'json'], env)).toBe(0);
    const rows = JSON.parse(stdout) as { event_id: string; payload: unknown; hash: string }[];
    expect(rows.map((r) => r.event_id)).toEqual(events);
    expect(rows[0]).toMatchObject({ payload: { networkId: expect.any(String) }, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('verifies the chain', async () => {
    expect(await runAudit(['verify'], env)).toBe(0);
    expect(stdout).toMatch(/^audit trail OK: 3 records checked, stream sequences 1 to 3 contiguous/);
  });

  it('names the record a tamperer changed, and exits 1', async () => {
    const copy = join(dir, 'tampered.sqlite');
    const db = new Database(path);
    await new Promise<void>((resolve, reject) => db.run('VACUUM INTO ?', [copy], (error) => (error ? reject(error) : resolve())));
    await new Promise<void>((resolve) => db.close(() => resolve()));
    const tampered = new Database(copy);
    await new Promise<void>((resolve, reject) =>
      tampered.run("UPDATE audit_records SET actor = 'admin' WHERE stream_seq = 2", (error) => (error ? reject(error) : resolve())),
    );
    await new Promise<void>((resolve) => tampered.close(() => resolve()));
    expect(await runAudit(['verify'], { LBAAS_AUDIT_DB: copy })).toBe(1);
    expect(stdout).toMatch(/^audit trail BROKEN at stream sequence 2 event 0 \(event id n-2-NetworkCreated\): its hash does not match/);
  });

  it.each([
    { desc: 'an unknown subcommand', args: ['check'], message: /unknown audit command 'check'/ },
    { desc: 'a time that is not ISO 8601', args: ['--since', 'yesterday'], message: /--since: expected an ISO 8601 time/ },
    { desc: 'an unknown option', args: ['--pool', 'x'], message: /unrecognized arguments: --pool/ },
  ])('refuses $desc with exit status 2', async ({ args, message }) => {
    expect(await runAudit(args, env)).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('says where it looked when there is no audit store, with exit status 1', async () => {
    expect(await runAudit(['verify'], { LBAAS_AUDIT_DB: join(dir, 'absent.sqlite') })).toBe(1);
    expect(stderr).toMatch(/absent\.sqlite/);
  });

  it('normalises --since to the stored form', () => {
    expect(sinceValue('2026-01-15T10:30:00+01:00')).toBe('2026-01-15T09:30:00.000Z');
  });
});
