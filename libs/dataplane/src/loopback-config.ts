import type { PlacementRole } from '@lbaas/domain';
import { type HaproxyInput, type HaproxyVariant, type RenderedMember, renderHaproxyConfig, type VariantBind } from '@lbaas/haproxy';

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

/**
 * An allowed CIDR as the loopback data plane sees clients: one in the fabric at its image in
 * 127/8, one that holds the whole fabric as the fabric's image; any other stays (it admits no
 * loopback client, as it admits no fabric client).
 */
export function loopbackCidr(cidr: string): string {
  const [address, bits] = cidr.split('/');
  const image = loopbackAddress(address);
  if (image !== null && Number(bits) >= 15) return `${image}/${bits}`;
  const [a, b] = address.split('.').map(Number);
  const mask = Number(bits);
  const holdsFabric =
    mask <= 15 && (mask <= 8 ? a >> (8 - mask) === 198 >> (8 - mask) : a === 198 && b >> (16 - mask) === 18 >> (16 - mask));
  return holdsFabric ? '127.18.0.0/15' : cidr;
}

/**
 * A member on the fabric is reached at its loopback image, and checked at its monitor address's
 * (privileged ports moved up as for frontends); what lies outside the fabric stays as it is.
 */
function loopbackMember(m: RenderedMember, offset: number): RenderedMember {
  const address = loopbackAddress(m.address);
  const monitorAddress = m.monitorAddress === null ? null : loopbackAddress(m.monitorAddress);
  const checkedOnFabric = (m.monitorAddress === null ? address : monitorAddress) !== null;
  return {
    ...m,
    address: address ?? m.address,
    protocolPort: address === null ? m.protocolPort : loopbackPort(m.protocolPort, offset),
    monitorAddress: monitorAddress ?? m.monitorAddress,
    monitorPort: m.monitorPort !== null && checkedOnFabric ? loopbackPort(m.monitorPort, offset) : m.monitorPort,
  };
}

/**
 * The input and variant the process driver renders a placement's haproxy.cfg from, for its
 * loopback data plane (ARCHITECTURE.md section 13): fabric addresses of every frontend and
 * member move to 127/8 and their privileged ports up by the offset, the stats listener to the
 * placement's own address, the standby's frontends are disabled, the active one's also listen
 * on its floating addresses (each frontend at its own port), and without root HAProxy keeps the
 * agent's user. A first comment line names the role and the offset, so a role change is a
 * change of the file, and so of its hash. Pure; throws for a frontend or floating address
 * outside the fabric.
 */
export function loopbackHaproxy(
  input: HaproxyInput,
  o: LoopbackOptions,
): { readonly input: HaproxyInput; readonly variant: HaproxyVariant } {
  checkPortOffset(o.portOffset);
  const floating =
    o.role === 'active'
      ? o.floatingAddresses.map((f) => {
          const address = loopbackAddress(f);
          if (address === null)
            throw new Error(`floating address ${f} is outside the fabric (198.18.0.0/15): the process driver cannot listen on it`);
          return address;
        })
      : [];
  const binds: Record<string, readonly VariantBind[]> = {};
  for (const f of input.frontends) {
    const address = loopbackAddress(f.address);
    if (address === null)
      throw new Error(
        `the VIP ${f.address}:${f.protocolPort} is outside the fabric (198.18.0.0/15): the process driver listens only on the fabric's image in 127/8`,
      );
    const port = loopbackPort(f.protocolPort, o.portOffset);
    binds[f.id] = [address, ...[...new Set(floating)].sort()].map((a) => ({ address: a, port }));
  }
  return {
    input: {
      ...input,
      // The standby listens nowhere until a failover makes it the active.
      frontends: input.frontends.map((f) => ({
        ...f,
        adminStateUp: f.adminStateUp && o.role === 'active',
        allowedCidrs: [...new Set(f.allowedCidrs.map(loopbackCidr))],
      })),
      backends: input.backends.map((b) => ({ ...b, members: b.members.map((m) => loopbackMember(m, o.portOffset)) })),
      stats: { ...input.stats, address: o.statsAddress },
    },
    variant: {
      comment: `loopback data plane of the process driver: role ${o.role}, port offset ${o.portOffset}`,
      asInvokingUser: !o.root,
      binds,
    },
  };
}

/** The haproxy.cfg the process driver runs for a placement rendered from `input`. */
export function loopbackConfig(input: HaproxyInput, o: LoopbackOptions): string {
  const { input: moved, variant } = loopbackHaproxy(input, o);
  return renderHaproxyConfig(moved, variant);
}
