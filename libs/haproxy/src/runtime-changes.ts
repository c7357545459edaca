import type { HaproxyInput } from './model';
import { canonicalJson, type HaproxyFacts } from './placement-bundle';

/** The input with what the runtime API can change taken out: equal shapes render files that differ in nothing else. */
const reloadShape = (input: HaproxyInput): string =>
  canonicalJson({
    ...input,
    members: [...input.members]
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map(({ weight: _weight, adminStateUp: _admin, ...member }) => member),
  });

/**
 * The runtime API commands that turn a HAProxy running `before` into one running `after` without
 * a reload, or null when the two differ in anything else. Only member weights and enable/disable
 * qualify: they are the changes that come often (ARCHITECTURE.md section 6) and the runtime API
 * applies them to the live process, counters and connections untouched. Decided on the bundles'
 * facts, never on the files' text.
 */
export function runtimeChanges(before: HaproxyFacts, after: HaproxyFacts): string[] | null {
  if (before.hash === after.hash) return [];
  if (reloadShape(before.input) !== reloadShape(after.input)) return null;
  const was = new Map(before.backend.servers.map((s) => [s.id, s]));
  const commands: string[] = [];
  for (const server of after.backend.servers) {
    const old = was.get(server.id);
    if (!old) return null;
    const name = `${after.backend.id}/${server.id}`;
    if (old.weight !== server.weight) commands.push(`set server ${name} weight ${server.weight}`);
    if (old.enabled !== server.enabled) commands.push(server.enabled ? `enable server ${name}` : `disable server ${name}`);
  }
  return commands;
}
