import type { EventEnvelope } from '@lbaas/domain';
import { checkLines, stageTable, STAGES, stepLines, type VipRun, vipTimeline } from './vip-timeline';

const T0 = Date.parse('2026-12-07T03:00:00.000Z');
const VIP = 'vip-1';
const SI = 'si-1';

function event(ms: number, aggregate: 'vip' | 'serviceinstance', type: string, data: Record<string, unknown>): EventEnvelope {
  const id = aggregate === 'vip' ? VIP : SI;
  return {
    id: `${type}-${ms}`,
    type,
    version: 1,
    aggregate,
    aggregateId: id,
    occurredAt: new Date(T0 + ms).toISOString(),
    tenantId: 't',
    actor: 'a',
    correlationId: 'c',
    causationId: null,
    data,
  } as EventEnvelope;
}

const placements = [
  { vmId: 'vm-a', haproxyHash: 'h-a', keepalivedHash: 'k-a' },
  { vmId: 'vm-s', haproxyHash: 'h-s', keepalivedHash: 'k-s' },
];

/** A VIP whose every stage is known: see the expected durations in the first spec. */
function run(overrides: Partial<VipRun> = {}): VipRun {
  return {
    vipId: VIP,
    postedAt: T0,
    answeredAt: T0 + 700,
    events: [
      event(650, 'vip', 'VipStatusChanged', { vipId: VIP, status: 'ACTIVE' }),
      event(40, 'vip', 'VipCreated', { vipId: VIP }),
      event(60, 'serviceinstance', 'ServiceInstanceCreated', { instanceId: SI, vipId: VIP, poolId: 'p' }),
      event(60, 'serviceinstance', 'InstancePlaced', { instanceId: SI, vmId: 'vm-a', role: 'active' }),
      event(70, 'serviceinstance', 'InstancePlaced', { instanceId: SI, vmId: 'vm-s', role: 'standby' }),
      event(300, 'serviceinstance', 'InstanceConfigRendered', { instanceId: SI, placements }),
      event(520, 'serviceinstance', 'InstanceApplied', { instanceId: SI, vmId: 'vm-s', haproxyHash: 'h-s' }),
      event(560, 'serviceinstance', 'InstanceApplied', { instanceId: SI, vmId: 'vm-a', haproxyHash: 'h-a' }),
    ],
    checks: [
      { at: T0 + 290, ms: 180, instanceId: SI },
      { at: T0 + 290, ms: 999, instanceId: 'another' },
    ],
    steps: [
      { at: T0 + 380, ms: 50, vmId: 'vm-a', step: 'plumb' },
      { at: T0 + 470, ms: 90, vmId: 'vm-a', step: 'startHaproxy' },
      { at: T0 + 540, ms: 70, vmId: 'vm-a', step: 'startKeepalived' },
      { at: T0 + 500, ms: 400, vmId: 'vm-s', step: 'plumb' },
    ],
    ...overrides,
  };
}

describe('vipTimeline', () => {
  it('splits POST -> first answer into the stages the events and the debug lines mark', () => {
    const t = vipTimeline(run());
    expect(STAGES.map((s) => t[s])).toEqual([40, 30, 50, 180, 30, 50, 90, 70, 20, 90, 50]);
    expect(t.total).toBe(700);
  });

  it("counts of keepalived's start only what it adds after HAProxy serves, as the agent starts both together", () => {
    const together = (keepalivedEnds: number) =>
      vipTimeline(
        run({
          steps: [
            { at: T0 + 380, ms: 50, vmId: 'vm-a', step: 'plumb' },
            { at: T0 + 470, ms: 90, vmId: 'vm-a', step: 'startHaproxy' },
            { at: T0 + keepalivedEnds, ms: keepalivedEnds - 385, vmId: 'vm-a', step: 'startKeepalived' },
          ],
        }),
      );
    expect(together(500)['haproxy start']).toBe(90);
    expect(together(500)['keepalived start']).toBe(30);
    expect(together(500)['agent report (-> InstanceApplied)']).toBe(60);
    expect(together(450)['keepalived start']).toBe(0);
    expect(together(450)['agent report (-> InstanceApplied)']).toBe(90);
  });

  it("counts the pass's pick-up after a namespace made ahead as pick-up, not as keepalived's start", () => {
    const t = vipTimeline(
      run({
        steps: [
          { at: T0 + 320, ms: 70, vmId: 'vm-a', step: 'plumb' },
          { at: T0 + 440, ms: 90, vmId: 'vm-a', step: 'startHaproxy' },
          { at: T0 + 500, ms: 150, vmId: 'vm-a', step: 'startKeepalived' },
        ],
      }),
    );
    expect(t['namespace + veth (what is left after rendering)']).toBe(20);
    expect(t['agent pick-up (event, files, observe, plan)']).toBe(30);
    expect(t['haproxy start']).toBe(90);
    expect(t['keepalived start']).toBe(60);
  });

  it('adds up to the total when clocks cross or the answer comes before ACTIVE', () => {
    const early = vipTimeline(run({ answeredAt: T0 + 600 }));
    expect(STAGES.reduce((s, stage) => s + early[stage], 0)).toBe(600);
    expect(early['VRRP + address (-> VIP ACTIVE)']).toBe(40);
    expect(early['first answer (ACTIVE -> client 200)']).toBe(0);
    for (const stage of STAGES) expect(early[stage]).toBeGreaterThanOrEqual(0);
  });

  it('ends VRRP at the answer when no ACTIVE was appended', () => {
    const events = run().events.filter((e) => e.type !== 'VipStatusChanged');
    const t = vipTimeline(run({ events }));
    expect(t['VRRP + address (-> VIP ACTIVE)']).toBe(140);
    expect(t['first answer (ACTIVE -> client 200)']).toBe(0);
  });

  it('takes the rendering whose files the active applied, and the checks before it', () => {
    const first = event(200, 'serviceinstance', 'InstanceConfigRendered', {
      instanceId: SI,
      placements: [{ vmId: 'vm-a', haproxyHash: 'old', keepalivedHash: 'k' }],
    });
    const t = vipTimeline(run({ events: [...run().events, first], checks: [...run().checks, { at: T0 + 150, ms: 80, instanceId: SI }] }));
    expect(t['checks (config renderer: haproxy -c)']).toBe(180);
    expect(t['render (-> InstanceConfigRendered, less checks)']).toBe(50);
  });

  it('says what is missing rather than guessing', () => {
    expect(() => vipTimeline(run({ steps: [] }))).toThrow(/no step lines of vm-a/);
    expect(() => vipTimeline(run({ events: run().events.filter((e) => e.type !== 'InstanceApplied') }))).toThrow(/InstanceApplied/);
  });
});

describe('stageTable', () => {
  it('gives each stage its p50, p95 and share of all the runs, and the total last', () => {
    const a = vipTimeline(run());
    const b = vipTimeline(run({ answeredAt: T0 + 900 }));
    const rows = stageTable([a, b]);
    expect(rows).toHaveLength(STAGES.length + 1);
    const last = rows[rows.length - 1];
    expect(last).toEqual({ stage: 'total (POST -> first 200)', p50: 700, p95: 900, share: 100 });
    const answer = rows.find((r) => r.stage === 'first answer (ACTIVE -> client 200)');
    expect(answer).toEqual({ stage: 'first answer (ACTIVE -> client 200)', p50: 50, p95: 250, share: 18.75 });
    expect(rows.slice(0, -1).reduce((s, r) => s + r.share, 0)).toBeCloseTo(100);
  });
});

describe('the debug lines', () => {
  const output = [
    'not json',
    JSON.stringify({ level: 20, time: T0 + 5, msg: 'checked', instanceId: SI, files: 4, ms: 180.5 }),
    JSON.stringify({ level: 30, time: T0 + 6, msg: 'reconciling' }),
    JSON.stringify({ level: 20, time: T0 + 7, msg: 'step done', vmId: 'vm-a', step: 'plumb', ms: 50 }),
    '{"broken',
  ].join('\n');

  it('are read from pino output by message, other lines passed by', () => {
    expect(checkLines(output)).toEqual([{ at: T0 + 5, ms: 180.5, instanceId: SI }]);
    expect(stepLines(output)).toEqual([{ at: T0 + 7, ms: 50, vmId: 'vm-a', step: 'plumb' }]);
  });
});
