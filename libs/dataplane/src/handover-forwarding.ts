import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PLACEMENT_INTERFACE } from '@lbaas/haproxy';

const exec = promisify(execFile);

/** A packet for the VIP of a connection this namespace never saw: handed to the peer, which may have it. */
const TO_PEER_MARK = '0x2';
/** A packet for the VIP that a socket here owns: delivered here, even once the VIP has moved away. */
const OWN_SOCKET_MARK = '0x1';
const TO_PEER_TABLE = '102';
const OWN_SOCKET_TABLE = '101';

/**
 * The placement's netfilter tables (iptables-restore input, whole tables) for a handover that
 * loses no connection. When VRRP moves the VIP, the client's packets of connections the old
 * holder accepted reach the new holder, which would answer them with a reset. Instead, the
 * holder of the VIP (`addrtype LOCAL`) hands a packet conntrack never saw begin (INVALID, with
 * `nf_conntrack_tcp_loose` 0) to its peer, and a placement delivers locally any packet that one
 * of its sockets owns, with or without the VIP. Nothing else is forwarded, so a packet never
 * loops between the two.
 */
export function handoverTables(vipAddress: string): string {
  const vip = `-i ${PLACEMENT_INTERFACE} -d ${vipAddress}/32 -p tcp`;
  return [
    '*mangle',
    ':PREROUTING ACCEPT [0:0]',
    `-A PREROUTING ${vip} -m conntrack --ctstate INVALID -m addrtype --dst-type LOCAL -j MARK --set-xmark ${TO_PEER_MARK}/0xffffffff`,
    `-A PREROUTING -m mark --mark ${TO_PEER_MARK} -j ACCEPT`,
    `-A PREROUTING ${vip} -m socket -j MARK --set-xmark ${OWN_SOCKET_MARK}/0xffffffff`,
    'COMMIT',
    '*filter',
    ':FORWARD DROP [0:0]',
    `-A FORWARD -m mark --mark ${TO_PEER_MARK} -j ACCEPT`,
    'COMMIT',
    '',
  ].join('\n');
}

/** The policy routing beside the tables: marked packets are looked up before the local table. */
export const HANDOVER_ROUTING: readonly (readonly string[])[] = [
  ['rule', 'add', 'pref', '50', 'fwmark', TO_PEER_MARK, 'lookup', TO_PEER_TABLE],
  ['rule', 'add', 'pref', '60', 'fwmark', OWN_SOCKET_MARK, 'lookup', OWN_SOCKET_TABLE],
  ['rule', 'add', 'pref', '100', 'lookup', 'local'],
  ['rule', 'del', 'pref', '0', 'lookup', 'local'],
  ['route', 'replace', 'local', '0.0.0.0/0', 'dev', 'lo', 'table', OWN_SOCKET_TABLE],
];

/** The route to the peer; while the placement runs alone, `throw` sends the lookup on to the local table: such a packet is answered here, as before. */
export const peerRoute = (peerAddress: string | null): readonly string[] =>
  peerAddress === null
    ? ['route', 'replace', 'throw', 'default', 'table', TO_PEER_TABLE]
    : ['route', 'replace', 'default', 'via', peerAddress, 'dev', PLACEMENT_INTERFACE, 'table', TO_PEER_TABLE];

const inNamespace = async (ns: string, command: string, args: readonly string[], input?: string): Promise<void> => {
  const run = exec('ip', ['netns', 'exec', ns, command, ...args], { timeout: 20_000 });
  if (input !== undefined) run.child.stdin?.end(input);
  await run.catch((error: { stderr?: string; message?: string }) => {
    throw new Error(`${command} ${args.join(' ')} in ${ns}: ${(error.stderr ?? error.message ?? String(error)).trim()}`);
  });
};

/**
 * Sets up a new namespace for lossless handovers. Only a namespace that has served no connection
 * yet: conntrack starts here, and a connection it did not see begin would be handed to the peer.
 */
export async function setUpHandover(ns: string, vipAddress: string): Promise<void> {
  await inNamespace(ns, 'iptables-restore', [], handoverTables(vipAddress));
  // After the tables: their conntrack match loads conntrack in the namespace, and with it the setting.
  await inNamespace(ns, 'sysctl', [
    '-qw',
    'net.ipv4.ip_forward=1',
    'net.ipv4.conf.all.send_redirects=0',
    `net.ipv4.conf.${PLACEMENT_INTERFACE}.send_redirects=0`,
    'net.netfilter.nf_conntrack_tcp_loose=0',
  ]);
  for (const args of HANDOVER_ROUTING) await inNamespace(ns, 'ip', args).catch(ignoreDone);
}

/** Points the hand-over at the current peer (a new standby has another address). */
export async function routeToPeer(ns: string, peerAddress: string | null): Promise<void> {
  await inNamespace(ns, 'ip', peerRoute(peerAddress));
}

/** A rule added or deleted before (set-up run again) is what was wanted. */
function ignoreDone(error: unknown): void {
  if (!/File exists|No such file or directory|already exists/.test(String(error))) throw error;
}
