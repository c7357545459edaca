/**
 * A black-box Neutron client for the acceptance tests: plain HTTP through Node's fetch, the
 * response shapes the tests expect (written from Neutron's v1 LBaaS and core API, not imported
 * from the code under test), and the matchers the specs share.
 */

export type Protocol = 'HTTP' | 'HTTPS' | 'TCP';
export type LbStatus = 'PENDING_CREATE' | 'PENDING_UPDATE' | 'PENDING_DELETE' | 'ACTIVE' | 'INACTIVE' | 'DOWN' | 'ERROR';

export interface Network {
  id: string;
  tenant_id: string;
  name: string;
  admin_state_up: boolean;
  status: string;
  subnets: string[];
  shared: boolean;
  'router:external': boolean;
}
export interface Subnet {
  id: string;
  tenant_id: string;
  network_id: string;
  name: string;
  ip_version: number;
  cidr: string;
  gateway_ip: string | null;
  allocation_pools: { start: string; end: string }[];
  enable_dhcp: boolean;
  dns_nameservers: string[];
  host_routes: { destination: string; nexthop: string }[];
}
export interface Port {
  id: string;
  tenant_id: string;
  network_id: string;
  name: string;
  admin_state_up: boolean;
  status: string;
  mac_address: string;
  fixed_ips: { subnet_id: string; ip_address: string }[];
  device_id: string;
  device_owner: string;
}
export interface FloatingIp {
  id: string;
  tenant_id: string;
  floating_network_id: string;
  floating_ip_address: string;
  port_id: string | null;
  fixed_ip_address: string | null;
  router_id: string | null;
  status: string;
}
export interface Pool {
  id: string;
  tenant_id: string;
  vip_id: string | null;
  name: string;
  description: string;
  subnet_id: string;
  protocol: Protocol;
  lb_method: string;
  health_monitors: string[];
  health_monitors_status: { monitor_id: string; status: LbStatus; status_description: string | null }[];
  members: string[];
  admin_state_up: boolean;
  status: LbStatus;
  status_description: string | null;
  provider: string;
}
export interface Member {
  id: string;
  tenant_id: string;
  pool_id: string;
  address: string;
  protocol_port: number;
  weight: number;
  admin_state_up: boolean;
  status: LbStatus;
  status_description: string | null;
}
export interface Vip {
  id: string;
  tenant_id: string;
  name: string;
  description: string;
  subnet_id: string;
  address: string;
  port_id: string;
  protocol_port: number;
  protocol: Protocol;
  pool_id: string;
  session_persistence: { type: string; cookie_name?: string } | null;
  connection_limit: number;
  tls_certificate_id: string | null;
  admin_state_up: boolean;
  status: LbStatus;
  status_description: string | null;
}
/** A tenant's TLS certificate as reads show it: never its private key. */
export interface Certificate {
  id: string;
  tenant_id: string;
  name: string;
  description: string;
  certificate: string;
  fingerprint: string;
  subject: string;
  hostnames: string[];
  not_before: string;
  not_after: string;
  vip_ids: string[];
}
export interface HealthMonitor {
  id: string;
  tenant_id: string;
  type: string;
  delay: number;
  timeout: number;
  max_retries: number;
  http_method: string;
  url_path: string;
  expected_codes: string;
  admin_state_up: boolean;
  pools: { pool_id: string; status: LbStatus; status_description: string | null }[];
  status: LbStatus;
  status_description: string | null;
}
export interface PoolStats {
  bytes_in: number;
  bytes_out: number;
  active_connections: number;
  total_connections: number;
}
export interface NeutronErrorBody {
  NeutronError: { type: string; message: string; detail: string };
}

/** The list endpoints, by Neutron collection name; the order is the one the specs snapshot in. */
export const LIST_PATHS = {
  networks: '/v2.0/networks',
  subnets: '/v2.0/subnets',
  ports: '/v2.0/ports',
  floatingips: '/v2.0/floatingips',
  pools: '/v2.0/lb/pools',
  members: '/v2.0/lb/members',
  vips: '/v2.0/lb/vips',
  health_monitors: '/v2.0/lb/health_monitors',
  certificates: '/v2.0/lb/certificates',
  // Derived, not stored: each project's `default` group (a project sees its own, an admin every owner's).
  security_groups: '/v2.0/security-groups',
} as const;
export type CollectionName = keyof typeof LIST_PATHS;

export interface Reply<B> {
  readonly status: number;
  readonly headers: Headers;
  /** The parsed JSON body, or null when the body is empty or not JSON (see `text`). */
  readonly body: B;
  readonly text: string;
}

export interface RequestOptions {
  /** Serialised as JSON. */
  readonly json?: unknown;
  /** Sent as is, for bodies that are not valid JSON. */
  readonly raw?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** One caller of the API: a token (or none, to test authentication) against a base URL. */
export class NeutronApi {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string | null,
  ) {}

  as(token: string | null): NeutronApi {
    return new NeutronApi(this.baseUrl, token);
  }

  async request<B>(method: string, path: string, options: RequestOptions = {}): Promise<Reply<B>> {
    const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
    if (this.token !== null) headers['X-Auth-Token'] = this.token;
    let body: string | undefined;
    if (options.raw !== undefined) body = options.raw;
    else if (options.json !== undefined) body = JSON.stringify(options.json);
    if (body !== undefined && headers['Content-Type'] === undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: parseJson(text) as B, text };
  }

  get<B>(path: string): Promise<Reply<B>> {
    return this.request<B>('GET', path);
  }
  post<B>(path: string, json: unknown, headers?: Record<string, string>): Promise<Reply<B>> {
    return this.request<B>('POST', path, { json, headers });
  }
  put<B>(path: string, json: unknown): Promise<Reply<B>> {
    return this.request<B>('PUT', path, { json });
  }
  delete(path: string): Promise<Reply<null>> {
    return this.request<null>('DELETE', path);
  }

  /** POST that must succeed with 201; returns the resource out of its envelope. */
  async create<R>(path: string, key: string, fields: Record<string, unknown>): Promise<R> {
    const reply = await this.post<Record<string, R>>(path, { [key]: fields });
    if (reply.status !== 201) throw new Error(`POST ${path} ${JSON.stringify(fields)}: ${reply.status} ${reply.text}`);
    return reply.body[key];
  }

  /** Every list endpoint, each sorted by id, so two snapshots compare with toEqual. */
  async snapshot(): Promise<Record<CollectionName, unknown[]>> {
    const entries = await Promise.all(
      (Object.entries(LIST_PATHS) as [CollectionName, string][]).map(async ([collection, path]) => {
        const reply = await this.get<Record<string, { id: string }[]>>(path);
        if (reply.status !== 200) throw new Error(`GET ${path}: ${reply.status} ${reply.text}`);
        const items = [...reply.body[collection]].sort((a, b) => a.id.localeCompare(b.id));
        return [collection, items] as const;
      }),
    );
    return Object.fromEntries(entries) as Record<CollectionName, unknown[]>;
  }
}

function parseJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Neutron's default base_mac is fa:16:3e:00:00:00. */
export const MAC = /^fa:16:3e(:[0-9a-f]{2}){3}$/;
export const anUuid = (): unknown => expect.stringMatching(UUID);

/** A random v4 uuid that names nothing, for 404 rows. */
export const absentId = (): string => crypto.randomUUID();

/** Neutron's error body, exactly: type, a non-empty message, and a detail string. */
export function expectNeutronError(reply: Reply<unknown>, status: number, type: string): void {
  expect({ status: reply.status, body: reply.body }).toEqual({
    status,
    body: { NeutronError: { type, message: expect.any(String), detail: expect.any(String) } },
  });
  expect((reply.body as NeutronErrorBody).NeutronError.message.length).toBeGreaterThan(0);
}

/** Dotted-quad helpers: the tests reason about which subnet an address belongs to. */
export function ipToNumber(ip: string): number {
  const octets = ip.split('.').map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) throw new Error(`not an IPv4 address: ${ip}`);
  return octets.reduce((n, o) => n * 256 + o, 0);
}
export function inRange(ip: string, start: string, end: string): boolean {
  const n = ipToNumber(ip);
  return n >= ipToNumber(start) && n <= ipToNumber(end);
}
