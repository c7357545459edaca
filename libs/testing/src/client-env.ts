/** The environment a spawned client gets: the test's, without any OS_* or LBAAS_* of the developer's shell, plus `extra`. */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('OS_') && !key.startsWith('LBAAS_')));
  return { ...env, ...extra };
}
