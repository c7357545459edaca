import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PLACEMENT_INTERFACE } from '@lbaas/haproxy';

const exec = promisify(execFile);

/** A packet for the VIP of a connection this namespace never saw begin: handed to the peer, which may own it. */
const TO_PEER_MARK = '0x2';
/** Set on a handed packet, so the peer never hands it back. */
const HANDED_DSCP = '0x01';
const TO_PEER_TABLE = '102';

/**
 * The placement's netfilter tables (iptables-restore input, whole tables) for a handover that
 * loses no connection. When VRRP moves the VIP, the client's packets of connections the old
 * holder accepted reach the new one, which would reset them. Instead a placement hands a packet
 * for the VIP that conntrack never saw begin (INVALID, with `nf_conntrack_tcp_loose` 0) to its
 * peer, once (the DSCP mark), and forwards nothing else.
 */
export function handoverTables(vipAddress: string): string {
  return [
    '*mangle',
    ':PREROUTING ACCEPT [0:0]',
    ':FORWARD ACCEPT [0:0]',
    `-A PREROUTING -i ${PLACEMENT_INTERFACE} -d ${vipAddress}/32 -p tcp -m dscp ! --dscp ${HANDED_DSCP} -m conntrack --ctstate INVALID -j MARK --set-xmark ${TO_PEER_MARK}/0xffffffff`,
    `-A FORWARD -m mark --mark ${TO_PEER_MARK} -j DSCP --set-dscp ${HANDED_DSCP}`,
    'COMMIT',
    '*filter',
    ':FORWARD DROP [0:0]',
    `-A FORWARD -m mark --mark ${TO_PEER_MARK} -j ACCEPT`,
    'COMMIT',
    '',
  ].join('\n');
}

/**
 * Every placement has the VIP on `lo`, so the old holder still receives and answers (the kernel
 * sends only from a local address) its connections' packets after keepalived took the VIP off
 * its interface; `arp_ignore` 1 leaves ARP answers for the VIP to the holder of the interface
 * address. The handed packets are looked up before the local table, which the VIP is in.
 */
export const handoverRouting = (vipAddress: string): readonly (readonly string[])[] => [
  ['addr', 'add', `${vipAddress}/32`, 'dev', 'lo'],
  ['rule', 'add', 'pref', '50', 'fwmark', TO_PEER_MARK, 'lookup', TO_PEER_TABLE],
  ['rule', 'add', 'pref', '100', 'lookup', 'local'],
  ['rule', 'del', 'pref', '0', 'lookup', 'local'],
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

/** The settings of a namespace set up for lossless handovers; conntrack's only once the tables have loaded it. */
const HANDOVER_SYSCTLS: readonly string[] = [
  'net.ipv4.ip_forward=1',
  'net.netfilter.nf_conntrack_tcp_loose=0',
  ...['all', PLACEMENT_INTERFACE].flatMap((i) => [
    `net.ipv4.conf.${i}.send_redirects=0`,
    `net.ipv4.conf.${i}.arp_ignore=1`,
    `net.ipv4.conf.${i}.arp_announce=2`,
  ]),
];

/**
 * Sets up a new namespace's netfilter tables and settings for lossless handovers (its routing,
 * handoverRouting, goes with the rest of its `ip` commands), with `sysctls` of the caller's in
 * the same call. Only a namespace that has served no connection yet: conntrack starts here, and
 * a connection it did not see begin would be handed to the peer.
 */
export async function setUpHandover(ns: string, vipAddress: string, sysctls: readonly string[]): Promise<void> {
  await inNamespace(ns, 'iptables-restore', [], handoverTables(vipAddress));
  // After the tables: their conntrack match loads conntrack in the namespace, and with it the setting.
  await inNamespace(ns, 'sysctl', ['-qw', ...HANDOVER_SYSCTLS, ...sysctls]);
}

/** Points the handed packets at the current peer (a new standby has another address). */
export async function routeToPeer(ns: string, peerAddress: string | null): Promise<void> {
  // `ip -n` enters the namespace itself: one process start on a new VIP's way, not two (ip netns exec, then ip).
  await exec('ip', ['-n', ns, ...peerRoute(peerAddress)], { timeout: 20_000 }).catch((error: { stderr?: string; message?: string }) => {
    throw new Error(`ip ${peerRoute(peerAddress).join(' ')} in ${ns}: ${(error.stderr ?? error.message ?? String(error)).trim()}`);
  });
}
