import { untilAddressIn } from './address-watch';
import { ensureFabric, plugNamespace, removeDeadRuns, removeNamespaces } from './fabric';
import { ip } from './netns-driver';

const ROOT = process.getuid?.() === 0;
const TAG = 'lbw';
const PREFIX = `${TAG}${process.pid.toString(16)}-`;
const DEV = 'lbv0';

/** The wait against a real namespace: woken by the kernel's notification, not by a look at the clock. */
(ROOT ? describe : describe.skip)('untilAddressIn (root, a real namespace)', () => {
  let ns: string;
  const present = async (): Promise<string[]> =>
    [...(await ip('-n', ns, '-o', '-4', 'addr', 'show', 'dev', DEV)).matchAll(/ inet (\d+\.\d+\.\d+\.\d+)\//g)].map((m) => m[1]);
  const wait = (address: string, withinMs: number, signal = new AbortController().signal) =>
    untilAddressIn(ns, DEV, address, present, { withinMs, signal });

  beforeAll(async () => {
    await removeDeadRuns(TAG);
    await ensureFabric(PREFIX);
    ns = await plugNamespace(PREFIX, 'watch', '198.19.251.1');
  });

  afterAll(async () => {
    await removeNamespaces(PREFIX);
  });

  it('resolves true at once for an address that is there already', async () => {
    await expect(wait('198.19.251.1', 60_000)).resolves.toBe(true);
  });

  it('resolves true when the address is added while it waits, long before its bound', async () => {
    // Nothing but the monitor sees it: the look at what is there says nothing (a jest timeout, not the bound, fails the test).
    const waiting = untilAddressIn(ns, DEV, '198.18.251.10', async () => [], { withinMs: 60_000, signal: new AbortController().signal });
    // The monitor subscribes as it starts; an add before that would go unseen here, as nothing else looks.
    await new Promise((r) => setTimeout(r, 200));
    await ip('-n', ns, 'addr', 'add', '198.18.251.10/24', 'dev', DEV);
    await expect(waiting).resolves.toBe(true);
  });

  it('is not woken by another address: it ends at its bound, false', async () => {
    const waiting = wait('198.18.251.20', 500);
    await ip('-n', ns, 'addr', 'add', '198.18.251.21/24', 'dev', DEV);
    await expect(waiting).resolves.toBe(false);
  });

  it('resolves false when aborted, and for a namespace that is gone only at its bound (no caller spins)', async () => {
    const stop = new AbortController();
    const aborted = wait('198.18.251.30', 60_000, stop.signal);
    stop.abort();
    await expect(aborted).resolves.toBe(false);
    let ended = false;
    const gone = untilAddressIn(`${PREFIX}absent`, DEV, '198.18.251.30', async () => null, {
      withinMs: 300,
      signal: new AbortController().signal,
    }).then((held) => {
      ended = true;
      return held;
    });
    await new Promise((r) => setImmediate(r));
    expect(ended).toBe(false);
    await expect(gone).resolves.toBe(false);
  });
});
