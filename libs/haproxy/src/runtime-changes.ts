import type { HaproxyInput } from './model';
import { canonicalJson, type HaproxyFacts } from './placement-bundle';

const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The input with what the runtime API can change taken out: equal shapes render files that differ in nothing else. */
const reloadShape = (input: HaproxyInput): string =>
  canonicalJson({
    ...input,
    backends: input.backends.map((b) => ({
      ...b,
      members: [...b.members].sort(byId).map(({ weight: _weight, adminStateUp: _admin, ...member }) => member),
    })),
  });

/**
 * The runtime API commands that turn a HAProxy running `before` into one running `after` without
 * a reload, or null when the two differ in anything else. Only member weights and enable/disable
 * qualify, in any backend: they are the changes that come often (ARCHITECTURE.md section 6) and
 * the runtime API applies them to the live process, counters and connections untouched. Adding or
 * removing a frontend, a backend or a server is a reload. Decided on the bundles' facts, never on
 * the files' text.
 */
export function runtimeChanges(before: HaproxyFacts, after: HaproxyFacts): string[] | null {
  if (before.hash === after.hash) return [];
  if (reloadShape(before.input) !== reloadShape(after.input)) return null;
  const commands: string[] = [];
  for (const backend of after.backends) {
    const was = new Map(before.backends.find((b) => b.id === backend.id)?.servers.map((s) => [s.id, s]));
    for (const server of backend.servers) {
      const old = was.get(server.id);
      if (!old) return null;
      const name = `${backend.id}/${server.id}`;
      if (old.weight !== server.weight) commands.push(`set server ${name} weight ${server.weight}`);
      if (old.enabled !== server.enabled) commands.push(server.enabled ? `enable server ${name}` : `disable server ${name}`);
    }
  }
  return commands;
}
