/** One row of HAProxy's `show stat` CSV, with the fields this system reads. */
export interface StatRow {
  /** The proxy: a pool id for backends and servers, a VIP id for the frontend. */
  readonly pxname: string;
  /** `FRONTEND`, `BACKEND`, or a server's name (a member id). */
  readonly svname: string;
  /** UP, DOWN, `UP 1/3` (going down), `DOWN 1/2` (coming up), MAINT, `no check`, NOLB, OPEN... */
  readonly status: string;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly currentSessions: number;
  readonly totalSessions: number;
  readonly weight: number;
}

/**
 * Parses `show stat` (the header line starts with `# `). Unknown or missing numeric fields
 * read as 0, so a HAProxy version that adds columns changes nothing here.
 */
export function parseShowStat(csv: string): StatRow[] {
  const lines = csv.split('\n').filter((l) => l.length > 0);
  const header = lines.find((l) => l.startsWith('# '));
  if (!header) return [];
  const columns = header.slice(2).split(',');
  const at = (name: string) => columns.indexOf(name);
  const [px, sv, st, bin, bout, scur, stot, weight] = ['pxname', 'svname', 'status', 'bin', 'bout', 'scur', 'stot', 'weight'].map(at);
  const num = (cells: string[], i: number) => (i >= 0 && /^\d+$/.test(cells[i] ?? '') ? Number(cells[i]) : 0);
  return lines
    .filter((l) => !l.startsWith('#'))
    .map((line) => {
      const cells = line.split(',');
      return {
        pxname: cells[px] ?? '',
        svname: cells[sv] ?? '',
        status: cells[st] ?? '',
        bytesIn: num(cells, bin),
        bytesOut: num(cells, bout),
        currentSessions: num(cells, scur),
        totalSessions: num(cells, stot),
        weight: num(cells, weight),
      };
    });
}

export type MemberHealth = 'ACTIVE' | 'INACTIVE' | 'DOWN';

/**
 * A server's status as Neutron shows a member: ACTIVE while HAProxy sends it traffic (UP, or
 * `no check` without a monitor, or `DOWN 1/2` is not yet), INACTIVE when checks took it out,
 * DOWN when an operator disabled it (MAINT).
 */
export function memberHealth(status: string): MemberHealth {
  if (status.startsWith('MAINT')) return 'DOWN';
  if (status === 'no check' || status.startsWith('UP') || status === 'NOLB' || status === 'DRAIN') return 'ACTIVE';
  return 'INACTIVE';
}
