import { ensureFabric, plugNamespace, removeNamespaces } from '@lbaas/dataplane';

/** The names and addresses `make up` uses (ARCHITECTURE.md section 7); the README's walk-through relies on them. */
export const DEV_PREFIX = 'lb-';
export const DEV_BACKENDS = [
  { name: 'be-1', address: '198.18.2.11' },
  { name: 'be-2', address: '198.18.2.12' },
  { name: 'be-3', address: '198.18.2.13' },
] as const;
export const DEV_CLIENT = { name: 'client', address: '198.18.255.250' } as const;

/**
 * `lbaas dev fabric up|down`: the local fabric of `make up` (namespace lb-fabric with its bridge),
 * three backend namespaces and a client namespace; `down` removes every lb- namespace and what
 * runs in it. Root only.
 */
export async function runDevFabric(args: string[]): Promise<number> {
  const action = args[0];
  if (action !== 'up' && action !== 'down') {
    console.error('usage: lbaas dev fabric up|down');
    return 2;
  }
  if (process.getuid?.() !== 0) {
    console.error('lbaas dev fabric: network namespaces need root');
    return 1;
  }
  if (action === 'down') {
    const removed = await removeNamespaces(DEV_PREFIX);
    console.log(`removed ${removed.length} namespace(s)${removed.length ? `: ${removed.join(' ')}` : ''}`);
    return 0;
  }
  await ensureFabric(DEV_PREFIX);
  for (const plug of [...DEV_BACKENDS, DEV_CLIENT]) await plugNamespace(DEV_PREFIX, plug.name, plug.address);
  console.log(
    `fabric ${DEV_PREFIX}fabric with ${DEV_BACKENDS.map((b) => `${DEV_PREFIX}${b.name} (${b.address})`).join(', ')} and ${DEV_PREFIX}${DEV_CLIENT.name} (${DEV_CLIENT.address})`,
  );
  return 0;
}
