/** A listening port from the environment: `fallback` when unset or blank, 0 for any free port. */
export function portFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]?.trim() ?? '';
  if (raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${name} must be a port number, got '${raw}'`);
  return port;
}

/** Where `make up` and the node agents keep the placements' runtime directories, unless LBAAS_RUN_DIR says otherwise. */
export const DEFAULT_RUN_ROOT = '/run/lbaas';

/** The placements' runtime root: LBAAS_RUN_DIR, blank counting as unset. */
export const runRootFromEnv = (env: NodeJS.ProcessEnv): string => env.LBAAS_RUN_DIR?.trim() || DEFAULT_RUN_ROOT;
