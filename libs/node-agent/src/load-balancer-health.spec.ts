import { lbMemberHealth, readLoadBalancerStats } from './load-balancer-health';
import { uuidOf } from './plan-fixtures';

const [LB, LISTENER, POOL, M1, M2, M3, M4] = [uuidOf(10), uuidOf(11), uuidOf(12), uuidOf(13), uuidOf(14), uuidOf(15), uuidOf(16)];
const HEADER = '# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight,';
const row = (
  px: string,
  sv: string,
  f: { scur?: number; stot?: number; bin?: number; bout?: number; ereq?: number | ''; status: string; weight?: number },
) =>
  `${px},${sv},0,0,${f.scur ?? 0},0,,${f.stot ?? 0},${f.bin ?? 0},${f.bout ?? 0},0,0,${f.ereq ?? ''},0,0,0,0,${f.status},${f.weight ?? 1},`;

describe('lbMemberHealth', () => {
  it.each([
    { status: 'UP', weight: 1, expected: 'ONLINE' },
    { status: 'UP 1/3', weight: 1, expected: 'ONLINE' },
    { status: 'NOLB', weight: 1, expected: 'ONLINE' },
    { status: 'DOWN', weight: 1, expected: 'ERROR' },
    { status: 'DOWN 1/2', weight: 1, expected: 'ERROR' },
    { status: 'DRAIN', weight: 1, expected: 'DRAINING' },
    { status: 'UP', weight: 0, expected: 'DRAINING' },
    { status: 'MAINT', weight: 0, expected: 'DRAINING' },
    { status: 'MAINT', weight: 5, expected: null },
    { status: 'MAINT (resolution)', weight: 5, expected: null },
    { status: 'no check', weight: 1, expected: 'NO_MONITOR' },
    { status: 'no check', weight: 0, expected: 'DRAINING' },
    { status: 'DOWN', weight: 0, expected: 'ERROR' },
    { status: 'OPEN', weight: 1, expected: null },
  ])('$status with weight $weight is $expected', ({ status, weight, expected }) => {
    expect(lbMemberHealth(status, weight)).toBe(expected);
  });
});

describe('readLoadBalancerStats', () => {
  const csv = [
    HEADER,
    row(LISTENER, 'FRONTEND', { scur: 2, stot: 40, bin: 1000, bout: 5000, ereq: 3, status: 'OPEN' }),
    row(POOL, M1, { status: 'UP', stot: 20 }),
    row(POOL, M2, { status: 'DOWN' }),
    row(POOL, M3, { status: 'no check' }),
    row(POOL, M4, { status: 'MAINT', weight: 1 }),
    row(POOL, 'BACKEND', { stot: 40, status: 'UP' }),
    row('stats', 'FRONTEND', { stot: 9, status: 'OPEN' }),
    row('stats', 'BACKEND', { status: 'UP' }),
    '',
  ].join('\n');

  it("reads each member's health by pool and each listener's counters, and leaves the stats listener out", () => {
    expect(readLoadBalancerStats(LB, csv)).toEqual({
      members: [
        { poolId: POOL, memberId: M1, health: 'ONLINE' },
        { poolId: POOL, memberId: M2, health: 'ERROR' },
        { poolId: POOL, memberId: M3, health: 'NO_MONITOR' },
      ],
      listeners: [
        {
          listenerId: LISTENER,
          loadBalancerId: LB,
          bytesIn: 1000,
          bytesOut: 5000,
          activeConnections: 2,
          totalConnections: 40,
          requestErrors: 3,
        },
      ],
    });
  });

  it('counts no request errors where HAProxy leaves the column empty, and reads nothing from a text without a header', () => {
    const empty = [HEADER, row(LISTENER, 'FRONTEND', { status: 'OPEN', ereq: '' })].join('\n');
    expect(readLoadBalancerStats(LB, empty).listeners[0].requestErrors).toBe(0);
    expect(readLoadBalancerStats(LB, 'Unknown command\n')).toEqual({ members: [], listeners: [] });
  });
});
