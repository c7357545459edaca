/** The scale bench's knobs, from the environment so a shared machine runs what fits. */
export interface ScaleSettings {
  /** bench/results/<name>.json: `scale`, or another name for a run beside the main one. */
  readonly reportName: string;
  /** Objects (networks, subnets, pools, members, VIPs) to grow the system to, ascending. */
  readonly sizes: readonly number[];
  /** The whole bench stops growing at this bound and measures the size it reached. */
  readonly budgetMs: number;
  readonly workers: number;
  /** Fake-driver node agents: with four, 10,000 objects put about 500 placements on each. */
  readonly agents: number;
  /** Real HAProxy and keepalived placements in namespaces (root only), ascending; empty: none. */
  readonly realPlacements: readonly number[];
  /** Member weight changes at the last size, objects unchanged: memory that grows then is history held. */
  readonly churnUpdates: number;
  /** VIPs placed by the pure scheduling model, each over a tenth as many nodes. */
  readonly placementSizes: readonly number[];
  /** Only the pure placement model, no services (LBAAS_SCALE_PLACEMENT_ONLY=1), into bench/results/<reportName>-placement.json. */
  readonly placementOnly: boolean;
}

const list = (raw: string | undefined, fallback: readonly number[], name: string): readonly number[] => {
  if (raw === undefined || raw.trim() === '') return fallback;
  if (raw.trim() === 'none') return [];
  const values = raw.split(',').map((v) => Number(v.trim()));
  if (values.some((v) => !Number.isInteger(v) || v <= 0)) throw new Error(`${name}='${raw}' is not a list of positive integers`);
  return [...values].sort((a, b) => a - b);
};

const positive = (raw: string | undefined, fallback: number, name: string): number => {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name}='${raw}' is not a positive integer`);
  return value;
};

export function scaleSettings(env: NodeJS.ProcessEnv): ScaleSettings {
  const reportName = env.LBAAS_SCALE_REPORT?.trim() || 'scale';
  if (!/^scale[a-z0-9-]*$/.test(reportName))
    throw new Error(`LBAAS_SCALE_REPORT='${reportName}' is not a report name starting with 'scale'`);
  return {
    reportName,
    sizes: list(env.LBAAS_SCALE_SIZES, [1000, 10_000, 100_000], 'LBAAS_SCALE_SIZES'),
    budgetMs: positive(env.LBAAS_SCALE_BUDGET_S, 50 * 60, 'LBAAS_SCALE_BUDGET_S') * 1000,
    workers: positive(env.LBAAS_SCALE_WORKERS, 16, 'LBAAS_SCALE_WORKERS'),
    agents: positive(env.LBAAS_SCALE_AGENTS, 4, 'LBAAS_SCALE_AGENTS'),
    realPlacements: list(env.LBAAS_SCALE_REAL_PLACEMENTS, process.getuid?.() === 0 ? [10, 50] : [], 'LBAAS_SCALE_REAL_PLACEMENTS'),
    churnUpdates: env.LBAAS_SCALE_CHURN?.trim() === '0' ? 0 : positive(env.LBAAS_SCALE_CHURN, 20_000, 'LBAAS_SCALE_CHURN'),
    placementSizes: list(env.LBAAS_SCALE_PLACEMENT_VIPS, [1000, 10_000, 100_000], 'LBAAS_SCALE_PLACEMENT_VIPS'),
    placementOnly: env.LBAAS_SCALE_PLACEMENT_ONLY?.trim() === '1',
  };
}
