import { CommandError } from './cli-errors';
import { type IdLister, resolveId } from './name-resolution';
import type { Row } from './output';
import { FLOATING_IP, HEALTH_MONITOR, NETWORK, POOL, type ResourceKind } from './resources';

const ID = '0f4d3e4a-6c2b-4a51-9b7e-2d8c1f0a9b31';
const OTHER = '5a9e7c12-3b4d-4e6f-8a1b-9c0d2e3f4a5b';

/** A lister over fixed rows that records what it was asked. */
function lister(rows: Row[]): IdLister & { asked: string[] } {
  const asked: string[] = [];
  const list = async (kind: ResourceKind, field: string, value: string) => {
    asked.push(`${kind.collection}?${field}=${value}`);
    return rows.filter((r) => r[field] === value).map((r) => ({ id: r.id }));
  };
  return Object.assign(list, { asked });
}

describe('resolveId', () => {
  it('takes an existing id with one list by id', async () => {
    const list = lister([{ id: ID, name: 'mypool' }]);
    await expect(resolveId(list, POOL, ID)).resolves.toBe(ID);
    expect(list.asked).toEqual([`pools?id=${ID}`]);
  });

  it('finds a name with one list by name', async () => {
    const list = lister([
      { id: ID, name: 'mypool' },
      { id: OTHER, name: 'otherpool' },
    ]);
    await expect(resolveId(list, POOL, 'mypool')).resolves.toBe(ID);
    expect(list.asked).toEqual(['pools?name=mypool']);
  });

  it('falls back to the name when a UUID-looking name is no id', async () => {
    const list = lister([{ id: ID, name: OTHER }]);
    await expect(resolveId(list, NETWORK, OTHER)).resolves.toBe(ID);
    expect(list.asked).toEqual([`networks?id=${OTHER}`, `networks?name=${OTHER}`]);
  });

  it("answers the neutron CLI's words for a name that matches nothing", async () => {
    await expect(resolveId(lister([]), POOL, 'nosuchpool')).rejects.toEqual(new CommandError("Unable to find pool with name 'nosuchpool'"));
  });

  it('asks for the id when a name matches several objects', async () => {
    const list = lister([
      { id: ID, name: 'vipnet' },
      { id: OTHER, name: 'vipnet' },
    ]);
    await expect(resolveId(list, NETWORK, 'vipnet')).rejects.toEqual(
      new CommandError("Multiple network matches found for name 'vipnet', use an ID to be more specific."),
    );
  });

  it('takes only ids for a kind without names, never listing by a field the API would ignore', async () => {
    const list = lister([{ id: ID }]);
    await expect(resolveId(list, HEALTH_MONITOR, 'mymonitor')).rejects.toEqual(
      new CommandError("Unable to find health_monitor with id 'mymonitor'"),
    );
    await expect(resolveId(list, HEALTH_MONITOR, OTHER)).rejects.toEqual(
      new CommandError(`Unable to find health_monitor with id '${OTHER}'`),
    );
    expect(list.asked).toEqual([`health_monitors?id=${OTHER}`]);
  });

  it('finds a floating IP by its address', async () => {
    const list = lister([{ id: ID, floating_ip_address: '198.19.0.2' }]);
    await expect(resolveId(list, FLOATING_IP, '198.19.0.2')).resolves.toBe(ID);
    await expect(resolveId(list, FLOATING_IP, '198.19.0.3')).rejects.toEqual(
      new CommandError("Unable to find floatingip with floating_ip_address '198.19.0.3'"),
    );
  });
});
