import type { HaproxyRecord, ObservedFloatingIp, ObservedNode, ObservedPlacement, PlacementSpec, TlsFile } from '@lbaas/dataplane';
import type { PlacementRole } from '@lbaas/domain';
import {
  baseHaproxyInput,
  baseKeepalivedInput,
  contentHash,
  type HaproxyInput,
  type KeepalivedInput,
  renderPlacement,
  withVip,
} from '@lbaas/haproxy';
import type { DesiredNode, DesiredPlacement, PlacementRun } from './desired';
import type { Step } from './plan';

/**
 * Desired and observed states for the plan's and executor's specs, built from real renderings
 * (renderPlacement), so the facts the plan reads are the ones the config renderer stores.
 */

export const uuidOf = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
export const VM = { a: uuidOf(71), b: uuidOf(72), c: uuidOf(73), theirs: uuidOf(79) } as const;
export const INSTANCE = { a: uuidOf(1), b: uuidOf(5), c: uuidOf(6) } as const;
const VRRP: Record<string, string> = {
  [VM.a]: '198.19.192.1',
  [VM.b]: '198.19.192.2',
  [VM.c]: '198.19.192.3',
  [VM.theirs]: '198.19.192.9',
};
export const VIP_ADDRESS = baseHaproxyInput().frontends[0].address;
export const FINGERPRINT = { first: `5f3a09c2e1b47d86${'0'.repeat(48)}`, second: `a1b2c3d4e5f60718${'1'.repeat(48)}` };

export interface SpecOptions {
  readonly role?: PlacementRole;
  readonly haproxy?: (i: HaproxyInput) => HaproxyInput;
  readonly keepalived?: Partial<KeepalivedInput>;
  /** The certificate the VIP terminates TLS with, and the PEM its file holds. */
  readonly tls?: { readonly fingerprint: string; readonly pem: string };
  readonly floatingAddresses?: readonly string[];
}

/** A placement spec as desiredNode makes it, from a real rendering of the placement. */
export function specOf(vmId: string, o: SpecOptions = {}): PlacementSpec {
  const role = o.role ?? 'active';
  const base = baseHaproxyInput();
  const instanceId = vmId === VM.b ? INSTANCE.b : vmId === VM.c ? INSTANCE.c : INSTANCE.a;
  const tls = o.tls ? { certificateId: uuidOf(80), fingerprint: o.tls.fingerprint } : null;
  const terminated = tls
    ? withVip({ protocolPort: 443, tls, insertHeaders: { forwardedFor: true, forwardedPort: true, forwardedProto: true } })
    : (i: HaproxyInput) => i;
  const haproxy = (o.haproxy ?? ((i) => i))({ ...terminated(base), instanceId, runDir: `/run/lbaas/${vmId}` });
  const keepalived: KeepalivedInput = {
    ...baseKeepalivedInput(),
    instanceId,
    vmId,
    role,
    priority: role === 'active' ? 200 : 100,
    vrrpAddress: VRRP[vmId],
    runDir: `/run/lbaas/${vmId}`,
    ...o.keepalived,
  };
  const r = renderPlacement(haproxy, keepalived);
  const tlsFiles: TlsFile[] = o.tls ? r.bundle.haproxy.tlsFiles.map((f) => ({ path: f.path, pem: o.tls?.pem ?? '' })) : [];
  return {
    instanceId,
    vmId,
    role,
    vrrpAddress: VRRP[vmId],
    haproxy: r.haproxy,
    keepalived: r.keepalived,
    bundle: r.bundle,
    floatingAddresses: o.floatingAddresses ?? [],
    tlsFiles,
  };
}

/** The process driver's kind of variant: the role and the floating addresses are in the file it runs. */
export const processVariant = (role: PlacementRole, floating: readonly string[]): string =>
  `role ${role} floating ${[...floating].sort().join(',')}`;

export const running = (spec: PlacementSpec, variant = ''): DesiredPlacement => ({
  instanceId: spec.instanceId,
  vmId: spec.vmId,
  role: spec.role,
  run: { kind: 'run', spec, haproxyVariant: variant },
});

export const notRunning = (
  vmId: string,
  run: Exclude<PlacementRun, { kind: 'run' }>,
  role: PlacementRole = 'active',
): DesiredPlacement => ({
  instanceId: vmId === VM.b ? INSTANCE.b : INSTANCE.a,
  vmId,
  role,
  run,
});

export interface NodeOptions {
  readonly vrrp?: boolean;
  readonly whole?: boolean;
  readonly ours?: readonly string[];
  readonly forward?: readonly ObservedFloatingIp[];
  readonly associated?: readonly string[];
}

export const desiredOf = (placements: readonly DesiredPlacement[], o: NodeOptions = {}): DesiredNode => ({
  vrrp: o.vrrp ?? true,
  whole: o.whole ?? true,
  placements,
  ours: new Set(o.ours ?? [...placements.map((p) => p.vmId)]),
  floatingIps: { forward: o.forward ?? [], associated: new Set(o.associated ?? (o.forward ?? []).map((f) => f.id)) },
});

export const recordOf = (spec: PlacementSpec, variant = ''): HaproxyRecord => ({
  facts: spec.bundle.haproxy,
  variant,
  tlsFiles: spec.tlsFiles.map((f) => ({ path: f.path, hash: contentHash(f.pem) })),
});

export interface SeenOptions {
  readonly variant?: string;
  readonly vrrp?: boolean;
  readonly haproxyRunning?: boolean;
  readonly record?: HaproxyRecord | null;
  readonly keepalived?: { readonly running: boolean; readonly hash: string | null };
  /** Addresses on its interface: the VRRP address, and the VIP's when `holdsVip`. */
  readonly addresses?: readonly string[] | null;
  readonly holdsVip?: boolean;
  readonly tlsFiles?: readonly string[];
}

/** A placement as a driver finds it after running `spec`, changed by `o`. */
export function seen(spec: PlacementSpec, o: SeenOptions = {}): ObservedPlacement {
  const vrrp = o.vrrp ?? true;
  const addresses =
    o.addresses !== undefined
      ? o.addresses
      : [spec.vrrpAddress, ...((o.holdsVip ?? spec.role === 'active') ? [spec.bundle.keepalived.vip.address] : [])];
  return {
    vmId: spec.vmId,
    network: vrrp ? { kind: 'own', addresses } : { kind: 'shared' },
    haproxy: { running: o.haproxyRunning ?? true, record: o.record !== undefined ? o.record : recordOf(spec, o.variant ?? '') },
    keepalived: vrrp ? (o.keepalived ?? { running: true, hash: spec.keepalived.hash }) : null,
    tlsFiles: o.tlsFiles ?? spec.tlsFiles.map((f) => f.path),
  };
}

export const observedOf = (placements: readonly ObservedPlacement[], floatingIps: readonly ObservedFloatingIp[] = []): ObservedNode => ({
  placements,
  floatingIps,
});

/**
 * What each step does to the machine, as the driver contract says (placement-driver.ts): what
 * the executor would leave behind, so the specs can plan again on it.
 */
export function afterSteps(desired: DesiredNode, observed: ObservedNode, steps: readonly Step[]): ObservedNode {
  const placements = new Map(observed.placements.map((p) => [p.vmId, p]));
  const floating = new Map(observed.floatingIps.map((f) => [f.id, f]));
  const variantOf = (spec: PlacementSpec): string => {
    const d = desired.placements.find((p) => p.vmId === spec.vmId);
    return d?.run.kind === 'run' ? d.run.haproxyVariant : '';
  };
  const update = (spec: PlacementSpec, change: (p: ObservedPlacement) => ObservedPlacement): void => {
    const p = placements.get(spec.vmId);
    if (!p) throw new Error(`a step on ${spec.vmId} before it was plumbed`);
    placements.set(spec.vmId, change(p));
  };
  for (const step of steps) {
    switch (step.kind) {
      case 'plumb': {
        const p = placements.get(step.network.vmId);
        const network: ObservedPlacement['network'] = desired.vrrp
          ? { kind: 'own', addresses: [step.network.vrrpAddress] }
          : { kind: 'shared' };
        placements.set(
          step.network.vmId,
          p
            ? { ...p, network }
            : {
                vmId: step.network.vmId,
                network,
                haproxy: { running: false, record: null },
                keepalived: desired.vrrp ? { running: false, hash: null } : null,
                tlsFiles: [],
              },
        );
        break;
      }
      case 'startHaproxy':
      case 'reloadHaproxy':
      case 'updateServers':
        update(step.spec, (p) => ({
          ...p,
          haproxy: { running: true, record: recordOf(step.spec, variantOf(step.spec)) },
          tlsFiles: step.spec.tlsFiles.map((f) => f.path),
        }));
        break;
      case 'pruneTlsFiles':
        update(step.spec, (p) => ({ ...p, tlsFiles: p.tlsFiles.filter((path) => step.spec.tlsFiles.some((f) => f.path === path)) }));
        break;
      case 'startKeepalived':
      case 'reloadKeepalived':
        update(step.spec, (p) => ({ ...p, keepalived: { running: true, hash: step.spec.keepalived.hash } }));
        break;
      case 'removePlacement':
        placements.delete(step.vmId);
        break;
      case 'ensureFloatingIp':
        floating.set(step.floatingIpId, { id: step.floatingIpId, floatingAddress: step.floatingAddress, vipAddress: step.vipAddress });
        break;
      case 'removeFloatingIp':
        floating.delete(step.floatingIpId);
        break;
    }
  }
  return { placements: [...placements.values()], floatingIps: [...floating.values()] };
}

const label = (vmId: string): string => Object.entries(VM).find(([, id]) => id === vmId)?.[0] ?? vmId;

/** A step in a few words, for the tables. */
export function summary(step: Step): string {
  switch (step.kind) {
    case 'reloadHaproxy':
      return `reloadHaproxy ${label(step.spec.vmId)}: ${step.why}`;
    case 'updateServers':
      return `updateServers ${label(step.spec.vmId)}: ${step.commands.join('; ')}`;
    case 'removePlacement':
      return `removePlacement ${label(step.vmId)}`;
    case 'plumb':
      return `plumb ${label(step.network.vmId)}`;
    case 'ensureFloatingIp':
      return `ensureFloatingIp ${step.floatingIpId} ${step.floatingAddress} -> ${step.vipAddress}`;
    case 'removeFloatingIp':
      return `removeFloatingIp ${step.floatingIpId}`;
    default:
      return `${step.kind} ${label(step.spec.vmId)}`;
  }
}
