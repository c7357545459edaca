import type { PoolStatsPoint } from './dashboard-protocol';

export interface ChartSeries {
  /** One value per point, oldest first. */
  readonly values: readonly number[];
  /** The newest value, what the chart's label says. */
  readonly latest: number | null;
}

/**
 * New sessions per second between consecutive samples: HAProxy's backend session count (`stot`)
 * is what an HTTP pool serves requests through. A count that goes down was reset by a reload,
 * so the new count is all that happened since.
 */
export function requestRate(points: readonly PoolStatsPoint[]): ChartSeries {
  const values: number[] = [];
  for (let i = 1; i < points.length; i++) {
    const seconds = (points[i].at - points[i - 1].at) / 1000;
    if (seconds <= 0) continue;
    const grown = points[i].totalConnections - points[i - 1].totalConnections;
    values.push((grown >= 0 ? grown : points[i].totalConnections) / seconds);
  }
  return { values, latest: values.at(-1) ?? null };
}

export function activeConnections(points: readonly PoolStatsPoint[]): ChartSeries {
  const values = points.map((point) => point.activeConnections);
  return { values, latest: values.at(-1) ?? null };
}

/** SVG polyline `points` for values in a width x height box, from 0 at the bottom to the largest value at the top. */
export function polylinePoints(values: readonly number[], width: number, height: number): string {
  if (values.length === 0) return '';
  const top = Math.max(...values, 1);
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const round = (n: number): number => Math.round(n * 10) / 10;
  return values.map((value, i) => `${round(i * step)},${round(height - (value / top) * height)}`).join(' ');
}
