import type { PlacementRole } from '@lbaas/domain';
import { type HaproxyInput, type HaproxyVariant, type RenderedMember, renderHaproxyConfig } from '@lbaas/haproxy';

/** The largest port offset that still maps port 1023 to a port (65535). */
export const MAX_PORT_OFFSET = 65535 - 1023;

/** What turns a placement's rendering into the haproxy.cfg the process driver runs. */
export interface LoopbackOptions {
  /** Only the active placement's frontend listens; the standby's is `disabled` until a failover makes it active. */
  readonly role: PlacementRole;
  /** Added to every port below 1024 of a fabric address: only root may bind those. */
  readonly portOffset: number;
  /** Keep `user` and `group`: only root can switch to them. */
  readonly root: boolean;
  /** The placement's own loopback address for its stats listener: every placement of the machine shares one network stack. */
  readonly statsAddress: string;
  /** The floating addresses that forward to the placement's VIP: the active placement listens on each too. */
  readonly floatingAddresses: readonly string[];
}

const FABRIC = /^198\.(18|19)\.(\d{1,3})\.(\d{1,3})$/;

/**
 * The loopback address standing for a fabric address (198.18.0.0/15): the same last three
 * octets in 127/8, which Linux routes to lo as a whole, so anyone may bind them. Null for an
 * address outside the fabric.
 */
export function loopbackAddress(address: string): string | null {
  const m = FABRIC.exec(address);
  if (!m || [m[2], m[3]].some((octet) => Number(octet) > 255 || (octet.length > 1 && octet.startsWith('0')))) return null;
  return `127.${m[1]}.${m[2]}.${m[3]}`;
}

/** Throws unless `offset` moves every privileged port to a port that exists. */
export function checkPortOffset(offset: number): void {
  if (!Number.isInteger(offset) || offset < 0 || offset > MAX_PORT_OFFSET) {
    throw new Error(`the port offset must be an integer from 0 to ${MAX_PORT_OFFSET}, got ${offset}`);
  }
}

/** The port standing for a fabric port: moved up by `offset` when privileged. */
export const loopbackPort = (port: number, offset: number): number => (port < 1024 ? port + offset : port);

/** A member on the fabric is reached at its loopback image; one outside the fabric as it is. */
function loopbackMember(m: RenderedMember, offset: number): RenderedMember {
  const address = loopbackAddress(m.address);
  return address === null ? m : { ...m, address, protocolPort: loopbackPort(m.protocolPort, offset) };
}

/**
 * The input and variant the process driver renders a placement's haproxy.cfg from, for its
 * loopback data plane (ARCHITECTURE.md section 13): fabric addresses of the VIP and the members
 * move to 127/8 and their privileged ports up by the offset, the stats listener to the
 * placement's own address, the standby's frontend is disabled, the active one's also listens
 * on its floating addresses, and without root HAProxy keeps the agent's user. A first comment
 * line names the role and the offset, so a role change is a change of the file, and so of its
 * hash. Pure; throws for a VIP or floating address outside the fabric.
 */
export function loopbackHaproxy(
  input: HaproxyInput,
  o: LoopbackOptions,
): { readonly input: HaproxyInput; readonly variant: HaproxyVariant } {
  checkPortOffset(o.portOffset);
  const vip = loopbackAddress(input.vip.address);
  if (vip === null)
    throw new Error(
      `the VIP ${input.vip.address}:${input.vip.protocolPort} is outside the fabric (198.18.0.0/15): the process driver listens only on the fabric's image in 127/8`,
    );
  const floating =
    o.role === 'active'
      ? o.floatingAddresses.map((f) => {
          const address = loopbackAddress(f);
          if (address === null)
            throw new Error(`floating address ${f} is outside the fabric (198.18.0.0/15): the process driver cannot listen on it`);
          return address;
        })
      : [];
  const port = loopbackPort(input.vip.protocolPort, o.portOffset);
  return {
    input: {
      ...input,
      // The standby listens nowhere until a failover makes it the active.
      vip: { ...input.vip, adminStateUp: input.vip.adminStateUp && o.role === 'active' },
      members: input.members.map((m) => loopbackMember(m, o.portOffset)),
      stats: { ...input.stats, address: o.statsAddress },
    },
    variant: {
      comment: `loopback data plane of the process driver: role ${o.role}, port offset ${o.portOffset}`,
      asInvokingUser: !o.root,
      binds: [vip, ...[...new Set(floating)].sort()].map((address) => ({ address, port })),
    },
  };
}

/** The haproxy.cfg the process driver runs for a placement rendered from `input`. */
export function loopbackConfig(input: HaproxyInput, o: LoopbackOptions): string {
  const { input: moved, variant } = loopbackHaproxy(input, o);
  return renderHaproxyConfig(moved, variant);
}
