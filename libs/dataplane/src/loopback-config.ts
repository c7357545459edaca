import type { PlacementRole } from '@lbaas/domain';

/** The largest port offset that still maps port 1023 to a port (65535). */
export const MAX_PORT_OFFSET = 65535 - 1023;

/** What turns a placement's rendered haproxy.cfg into the one the process driver runs. */
export interface LoopbackOptions {
  /** Only the active placement's frontend listens; the standby's is `disabled` until a failover makes it active. */
  readonly role: PlacementRole;
  /** Added to every port below 1024 of a fabric address: only root may bind those. */
  readonly portOffset: number;
  /** Keep `user` and `group`: only root can switch to them. */
  readonly root: boolean;
  /** The placement's own loopback address for its stats listener: every placement of the machine shares one network stack. */
  readonly statsAddress: string;
  /** Floating IPs of the machine; those forwarding to this file's VIP get a bind of their own on the active placement. */
  readonly floatingIps: readonly { readonly floatingAddress: string; readonly vipAddress: string }[];
}

const FABRIC = /^198\.(18|19)\.(\d{1,3})\.(\d{1,3})$/;
const ENDPOINT = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/;

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

/** `address:port` on loopback when the address is the fabric's, unchanged otherwise (a member outside the fabric is reached as it is). */
function loopbackEndpoint(endpoint: string, offset: number): string {
  const m = ENDPOINT.exec(endpoint);
  const address = m && loopbackAddress(m[1]);
  return m && address ? `${address}:${loopbackPort(Number(m[2]), offset)}` : endpoint;
}

const INDENT = '    ';

/**
 * Rewrites a rendered haproxy.cfg for the loopback data plane of the process driver
 * (ARCHITECTURE.md section 13): fabric addresses of the VIP and the members move to 127/8 and
 * their privileged ports up by the offset, the stats listener to the placement's own address,
 * the standby's frontend is disabled, the active one's also listens on its floating addresses,
 * and without root HAProxy keeps the agent's user. A first comment line names the role and the
 * offset, so a role change is a change of the file, and so of its hash. Pure.
 */
export function loopbackConfig(text: string, o: LoopbackOptions): string {
  checkPortOffset(o.portOffset);
  const out = [`# loopback data plane of the process driver: role ${o.role}, port offset ${o.portOffset}`];
  let section = '';
  let standbyDisabled = false;
  for (const line of text.split('\n')) {
    if (/^[a-z]/.test(line)) {
      section = line;
      standbyDisabled = false;
    }
    const frontend = section.startsWith('frontend ');
    const [keyword, argument, ...rest] = line.trim().split(' ');
    if (section === 'global' && (keyword === 'user' || keyword === 'group') && !o.root) continue;
    // The standby's one `disabled`, after its bind, stands for the VIP's own as well.
    if (frontend && keyword === 'disabled' && o.role === 'standby') continue;
    if (section === 'listen stats' && keyword === 'bind') {
      out.push(`${INDENT}bind ${o.statsAddress}:${argument.split(':')[1]}`);
    } else if (keyword === 'server' && rest.length > 0) {
      out.push([`${INDENT}server`, argument, loopbackEndpoint(rest[0], o.portOffset), ...rest.slice(1)].join(' '));
    } else if (frontend && keyword === 'bind') {
      const vip = ENDPOINT.exec(argument);
      const address = vip && loopbackAddress(vip[1]);
      if (!vip || !address) throw new Error(`the VIP ${argument} is outside the fabric (198.18.0.0/15): the process driver listens only on the fabric's image in 127/8`);
      const port = loopbackPort(Number(vip[2]), o.portOffset);
      const floating = o.role === 'active' ? floatingAddressesOf(vip[1], o.floatingIps) : [];
      // The rest of the bind (ssl crt <file> alpn ...) goes with every address.
      out.push(...[address, ...floating].map((a) => [`${INDENT}bind ${a}:${port}`, ...rest].join(' ')));
      if (o.role === 'standby' && !standbyDisabled) {
        out.push(`${INDENT}disabled`);
        standbyDisabled = true;
      }
    } else {
      out.push(line);
    }
  }
  return out.join('\n');
}

/** The loopback addresses of the floating IPs that forward to `vipAddress`, in a stable order. */
function floatingAddressesOf(vipAddress: string, floatingIps: LoopbackOptions['floatingIps']): string[] {
  const addresses = floatingIps.filter((f) => f.vipAddress === vipAddress).map((f) => {
    const address = loopbackAddress(f.floatingAddress);
    if (address === null) throw new Error(`floating address ${f.floatingAddress} is outside the fabric (198.18.0.0/15): the process driver cannot listen on it`);
    return address;
  });
  return [...new Set(addresses)].sort();
}
