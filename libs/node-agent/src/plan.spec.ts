import type { ObservedNode } from '@lbaas/dataplane';
import { type HaproxyInput, withMembers, withPool, withVip } from '@lbaas/haproxy';
import type { DesiredNode } from './desired';
import { plan } from './plan';
import {
  afterSteps,
  desiredOf,
  FINGERPRINT,
  notRunning,
  observedOf,
  processVariant,
  recordOf,
  running,
  seen,
  specOf,
  summary,
  uuidOf,
  VIP_ADDRESS,
  VM,
} from './plan-fixtures';

const pool = uuidOf(3);
const [m1, m2] = [uuidOf(41), uuidOf(42)];
const weights =
  (w1: number, w2: number, admin2 = true) =>
  (i: HaproxyInput): HaproxyInput =>
    withMembers((ms) => ms.map((m) => (m.id === m1 ? { ...m, weight: w1 } : { ...m, weight: w2, adminStateUp: admin2 })))(i);
const PEM = { first: 'CHAIN-1\nKEY\n', second: 'CHAIN-2\nKEY\n', rechained: 'CHAIN-1\nINTERMEDIATE\nKEY\n' };
const FIP = { id: uuidOf(90), floatingAddress: '198.19.0.7', vipAddress: VIP_ADDRESS };
const FIP2 = { id: uuidOf(91), floatingAddress: '198.19.0.8', vipAddress: VIP_ADDRESS };

// Each row: what the node should run, what runs, and the steps, in order.
const active = specOf(VM.a);
const standby = specOf(VM.b, { role: 'standby' });
const tls1 = specOf(VM.a, { tls: { fingerprint: FINGERPRINT.first, pem: PEM.first } });
const tls2 = specOf(VM.a, { tls: { fingerprint: FINGERPRINT.second, pem: PEM.second } });
const promoted = specOf(VM.b, { role: 'active' });
const degraded = specOf(VM.a, { keepalived: { peerAddress: null } });
const withFloating = specOf(VM.a, { floatingAddresses: [FIP.floatingAddress] });

const CASES: [string, DesiredNode, ObservedNode, string[]][] = [
  // Creation
  [
    'creates a new placement with VRRP: network, HAProxy, then keepalived',
    desiredOf([running(active)]),
    observedOf([]),
    ['plumb a', 'startHaproxy a', 'startKeepalived a'],
  ],
  [
    'creates a new placement without VRRP (process driver): network and HAProxy only',
    desiredOf([running(active, processVariant('active', []))], { vrrp: false }),
    observedOf([]),
    ['plumb a', 'startHaproxy a'],
  ],
  [
    'creates the standby like the active',
    desiredOf([running(standby)]),
    observedOf([]),
    ['plumb b', 'startHaproxy b', 'startKeepalived b'],
  ],
  [
    'creates a TLS placement: its certificate files go with the HAProxy start',
    desiredOf([running(tls1)]),
    observedOf([]),
    ['plumb a', 'startHaproxy a', 'startKeepalived a'],
  ],
  [
    'creates only what is missing of two placements',
    desiredOf([running(active), running(specOf(VM.c))]),
    observedOf([seen(active)]),
    ['plumb c', 'startHaproxy c', 'startKeepalived c'],
  ],
  [
    'finishes a half-made placement: network there, nothing started',
    desiredOf([running(active)]),
    observedOf([seen(active, { haproxyRunning: false, record: null, keepalived: { running: false, hash: null }, holdsVip: false })]),
    ['startHaproxy a', 'startKeepalived a'],
  ],

  // Nothing to do
  [
    'does nothing when the placement runs what it should',
    desiredOf([running(active), running(standby)]),
    observedOf([seen(active), seen(standby)]),
    [],
  ],
  [
    'does nothing for the process driver when role and floating addresses are as recorded',
    desiredOf([running(withFloating, processVariant('active', [FIP.floatingAddress]))], { vrrp: false }),
    observedOf([seen(withFloating, { vrrp: false, variant: processVariant('active', [FIP.floatingAddress]) })]),
    [],
  ],
  [
    'adopts HAProxy and keepalived left running by an agent that restarted, without touching them',
    desiredOf([running(tls1)]),
    observedOf([seen(tls1)]),
    [],
  ],
  [
    "does nothing while the active does not hold the VIP yet: that is VRRP's to settle, and only the report waits",
    desiredOf([running(active)]),
    observedOf([seen(active, { holdsVip: false })]),
    [],
  ],

  // Runtime API
  [
    "changes a member's weight through the runtime API",
    desiredOf([running(specOf(VM.a, { haproxy: weights(3, 1) }))]),
    observedOf([seen(active)]),
    [`updateServers a: set server ${pool}/${m1} weight 3`],
  ],
  [
    'disables a member through the runtime API',
    desiredOf([running(specOf(VM.a, { haproxy: weights(1, 1, false) }))]),
    observedOf([seen(active)]),
    [`updateServers a: disable server ${pool}/${m2}`],
  ],
  [
    'enables it again through the runtime API',
    desiredOf([running(active)]),
    observedOf([seen(active, { record: recordOf(specOf(VM.a, { haproxy: weights(1, 1, false) })) })]),
    [`updateServers a: enable server ${pool}/${m2}`],
  ],
  [
    'changes weights through the runtime API and removes a leftover certificate file',
    desiredOf([running(specOf(VM.a, { haproxy: weights(2, 5) }))]),
    observedOf([seen(active, { tlsFiles: ['/run/lbaas/x/tls/old.pem'] })]),
    [`updateServers a: set server ${pool}/${m1} weight 2; set server ${pool}/${m2} weight 5`, 'pruneTlsFiles a'],
  ],

  // Reloads
  [
    'reloads for a new member',
    desiredOf([running(specOf(VM.a, { haproxy: withMembers((ms) => [...ms, { ...ms[0], id: uuidOf(43), address: '198.18.2.12' }]) }))]),
    observedOf([seen(active)]),
    ['reloadHaproxy a: a new haproxy.cfg'],
  ],
  [
    'reloads for another lb method',
    desiredOf([running(specOf(VM.a, { haproxy: withPool({ lbMethod: 'LEAST_CONNECTIONS' }) }))]),
    observedOf([seen(active)]),
    ['reloadHaproxy a: a new haproxy.cfg'],
  ],
  [
    'reloads for a weight change that comes with a connection limit',
    desiredOf([running(specOf(VM.a, { haproxy: (i) => withVip({ connectionLimit: 9 })(weights(4, 1)(i)) }))]),
    observedOf([seen(active)]),
    ['reloadHaproxy a: a new haproxy.cfg'],
  ],
  [
    'reloads a HAProxy that runs with no record of what (half applied, or an older agent)',
    desiredOf([running(active)]),
    observedOf([seen(active, { record: null })]),
    ['reloadHaproxy a: nothing records what it runs'],
  ],

  // TLS
  [
    'reloads with the new certificate file on a rotation',
    desiredOf([running(tls2)]),
    observedOf([seen(tls1)]),
    ['reloadHaproxy a: new certificate files'],
  ],
  [
    'reloads when the certificate file keeps its name but gets other bytes (a new chain for the same leaf)',
    desiredOf([running(specOf(VM.a, { tls: { fingerprint: FINGERPRINT.first, pem: PEM.rechained } }))]),
    observedOf([seen(tls1)]),
    ['reloadHaproxy a: new certificate files'],
  ],
  [
    'removes the old certificate file left by a reload cut short',
    desiredOf([running(tls2)]),
    observedOf([seen(tls2, { tlsFiles: [...tls2.tlsFiles.map((f) => f.path), ...tls1.tlsFiles.map((f) => f.path)] })]),
    ['pruneTlsFiles a'],
  ],
  [
    'reloads when TLS is turned off',
    desiredOf([running(active)]),
    observedOf([seen(tls1, { tlsFiles: [] })]),
    ['reloadHaproxy a: new certificate files'],
  ],

  // Failover and VRRP
  [
    'promotes the standby with VRRP: keepalived reads its new file, HAProxy runs on untouched',
    desiredOf([running(promoted)]),
    observedOf([seen(standby)]),
    ['reloadKeepalived b'],
  ],
  [
    'promotes the standby without VRRP: a seamless reload makes its frontend listen',
    desiredOf([running(promoted, processVariant('active', []))], { vrrp: false }),
    observedOf([seen(standby, { vrrp: false, variant: processVariant('standby', []) })]),
    ['reloadHaproxy b: the driver runs it otherwise now (role, floating addresses)'],
  ],
  [
    'runs degraded (its peer lost): keepalived without unicast peers',
    desiredOf([running(degraded)]),
    observedOf([seen(active)]),
    ['reloadKeepalived a'],
  ],
  [
    'is protected again (a new peer): keepalived with the peer',
    desiredOf([running(active)]),
    observedOf([seen(degraded)]),
    ['reloadKeepalived a'],
  ],
  [
    'starts keepalived again when it died, HAProxy untouched',
    desiredOf([running(active)]),
    observedOf([seen(active, { keepalived: { running: false, hash: active.keepalived.hash } })]),
    ['startKeepalived a'],
  ],
  [
    'starts HAProxy again when it died (a restart with leftovers), keepalived untouched',
    desiredOf([running(active)]),
    observedOf([seen(active, { haproxyRunning: false })]),
    ['startHaproxy a'],
  ],
  [
    'plumbs a namespace again whose interface lost its address, HAProxy untouched',
    desiredOf([running(active)]),
    observedOf([seen(active, { addresses: null })]),
    ['plumb a'],
  ],

  // Removal
  ['removes the placement of a deleted instance', desiredOf([], { ours: [VM.a] }), observedOf([seen(active)]), ['removePlacement a']],
  [
    "removes a placement that failed over to another node, keeping this node's other one",
    desiredOf([running(standby)], { ours: [VM.a, VM.b] }),
    observedOf([seen(active), seen(standby)]),
    ['removePlacement a'],
  ],
  [
    'leaves alone the placements of other agents on the same machine',
    desiredOf([running(active)]),
    observedOf([seen(active), seen(specOf(VM.theirs))]),
    [],
  ],
  [
    'removes what is ours first after the wanted ones are created (a new VIP does not wait behind a teardown)',
    desiredOf([running(standby)], { ours: [VM.a, VM.b] }),
    observedOf([seen(active)]),
    ['plumb b', 'startHaproxy b', 'startKeepalived b', 'removePlacement a'],
  ],
  ['has nothing to remove for a deleted instance whose placement is already gone', desiredOf([], { ours: [VM.a] }), observedOf([]), []],

  // Floating IPs
  [
    'forwards a floating IP to the VIP of an active placement here',
    desiredOf([running(active)], { forward: [FIP] }),
    observedOf([seen(active)]),
    [`ensureFloatingIp ${FIP.id} 198.19.0.7 -> ${VIP_ADDRESS}`],
  ],
  [
    'stops forwarding a floating IP the log no longer associates',
    desiredOf([running(active)]),
    observedOf([seen(active)], [FIP]),
    [`removeFloatingIp ${FIP.id}`],
  ],
  [
    "leaves a floating IP another node's active forwards",
    desiredOf([running(standby)], { associated: [FIP.id] }),
    observedOf([seen(standby)], [FIP]),
    [],
  ],
  [
    'moves a floating IP associated with another VIP: its old rules go first',
    desiredOf([running(active)], { forward: [{ ...FIP, vipAddress: '198.18.1.20' }] }),
    observedOf([seen(active)], [FIP]),
    [`removeFloatingIp ${FIP.id}`, `ensureFloatingIp ${FIP.id} 198.19.0.7 -> 198.18.1.20`],
  ],
  [
    'adds one floating IP and keeps the other',
    desiredOf([running(active)], { forward: [FIP, FIP2] }),
    observedOf([seen(active)], [FIP]),
    [`ensureFloatingIp ${FIP2.id} 198.19.0.8 -> ${VIP_ADDRESS}`],
  ],
  [
    'listens on a new floating address without NAT (process driver): a reload',
    desiredOf([running(withFloating, processVariant('active', [FIP.floatingAddress]))], { vrrp: false, forward: [FIP] }),
    observedOf([seen(active, { vrrp: false, variant: processVariant('active', []) })], [FIP]),
    ['reloadHaproxy a: the driver runs it otherwise now (role, floating addresses)'],
  ],
  [
    'looks at neither floating IPs nor orphans on a pass for some instances only',
    desiredOf([running(active)], { whole: false, forward: [FIP] }),
    observedOf([seen(active)]),
    [],
  ],

  // Ahead of the files
  [
    'makes the namespace of a placement whose files are not rendered yet, and nothing else',
    desiredOf([notRunning(VM.a, { kind: 'unrendered', network: { vmId: VM.a, vrrpAddress: '198.19.192.1', vipAddress: VIP_ADDRESS } })]),
    observedOf([]),
    ['plumb a'],
  ],
  [
    'makes it once: a namespace there already is left as it is',
    desiredOf([notRunning(VM.a, { kind: 'unrendered', network: { vmId: VM.a, vrrpAddress: '198.19.192.1', vipAddress: VIP_ADDRESS } })]),
    observedOf([seen(active, { haproxyRunning: false, record: null, keepalived: { running: false, hash: null }, holdsVip: false })]),
    [],
  ],
  [
    'makes nothing ahead without VRRP (the process driver has no namespace to make)',
    desiredOf([notRunning(VM.a, { kind: 'unrendered', network: { vmId: VM.a, vrrpAddress: '198.19.192.1', vipAddress: VIP_ADDRESS } })], {
      vrrp: false,
    }),
    observedOf([]),
    [],
  ],
  [
    "makes nothing ahead while the VIP's address is not known",
    desiredOf([notRunning(VM.a, { kind: 'unrendered', network: null })]),
    observedOf([]),
    [],
  ],

  // Nothing runs
  [
    'applies nothing for an instance whose only rendering was rejected',
    desiredOf([notRunning(VM.a, { kind: 'unrendered', network: null })]),
    observedOf([]),
    [],
  ],
  [
    'applies nothing while a certificate the rendering names is not folded: what runs stays',
    desiredOf([notRunning(VM.a, { kind: 'wait', reason: 'certificate not in the log' })]),
    observedOf([seen(tls1)]),
    [],
  ],
  [
    'applies nothing when a key cannot be opened: the last good files stay',
    desiredOf([notRunning(VM.a, { kind: 'fail', reason: 'cannot open the private key' })]),
    observedOf([seen(tls1)]),
    [],
  ],
  [
    'applies nothing, and removes nothing, for a placement whose files are not in the store',
    desiredOf([notRunning(VM.a, { kind: 'fail', reason: 'rendered file is not in the object store' })]),
    observedOf([seen(active)]),
    [],
  ],
];

describe('plan(desired, observed)', () => {
  it('has at least 30 cases', () => expect(CASES.length).toBeGreaterThanOrEqual(30));

  it.each(CASES)('%s', (_desc, desired, observed, expected) => {
    expect(plan(desired, observed).map(summary)).toEqual(expected);
  });

  it.each(CASES)('plans nothing once the steps are done: %s', (_desc, desired, observed) => {
    const after = afterSteps(desired, observed, plan(desired, observed));
    expect(plan(desired, after).map(summary)).toEqual([]);
  });

  it('is a function of its inputs: the same inputs give the same steps', () => {
    for (const [, desired, observed] of CASES) expect(plan(desired, observed)).toEqual(plan(desired, observed));
  });
});
