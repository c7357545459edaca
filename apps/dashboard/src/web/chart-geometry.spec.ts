import { activeConnections, polylinePoints, requestRate } from './chart-geometry';

const point = (at: number, totalConnections: number, activeConnectionsNow = 0) => ({
  at,
  totalConnections,
  activeConnections: activeConnectionsNow,
  bytesIn: 0,
  bytesOut: 0,
});

describe('chart geometry', () => {
  it('turns the session counter into sessions per second between samples', () => {
    expect(requestRate([point(0, 100), point(1000, 150), point(3000, 250)])).toEqual({ values: [50, 50], latest: 50 });
  });

  it('counts a counter that went down (a reload restarted it) from zero', () => {
    expect(requestRate([point(0, 900), point(1000, 30)]).values).toEqual([30]);
  });

  it('passes over two samples stamped in the same millisecond', () => {
    expect(requestRate([point(5, 1), point(5, 2)])).toEqual({ values: [], latest: null });
  });

  it('charts active connections as they are', () => {
    expect(activeConnections([point(0, 0, 4), point(1, 0, 9)])).toEqual({ values: [4, 9], latest: 9 });
    expect(activeConnections([])).toEqual({ values: [], latest: null });
  });

  it.each([
    { desc: 'no values', values: [], points: '' },
    { desc: 'one value at the left edge', values: [5], points: '0,0' },
    { desc: 'the largest value at the top, zero at the bottom', values: [0, 10, 5], points: '0,40 90,0 180,20' },
    { desc: 'values below 1 against a scale of at least 1', values: [0, 0.5], points: '0,40 180,20' },
  ])('places $desc', ({ values, points }) => {
    expect(polylinePoints(values, 180, 40)).toBe(points);
  });
});
