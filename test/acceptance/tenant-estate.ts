import type { Certificate, CollectionName, FloatingIp, HealthMonitor, Member, NeutronApi, Network, Pool, Subnet, Vip } from './neutron-api';

/** One object of every collection, owned by one tenant: what isolation and fuzz specs point requests at. */
export type Estate = Readonly<Record<CollectionName, { readonly id: string; readonly name?: string }>>;

/** A certificate and its key in PEM, as `makeTestCa(...).issue()` gives them. */
export interface Pem {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

/**
 * A network and subnet (198.18.`octet`.0/24), a pool with a member, a TLS certificate, a VIP
 * (and its port) terminating TLS with it, an associated monitor and a floating IP on
 * `publicNet` bound to the VIP's port; and the project's default security group, which is there
 * without being created.
 */
export async function createEstate(api: NeutronApi, tag: string, octet: number, publicNet: Network, pem: Pem): Promise<Estate> {
  const network = await api.create<Network>('/v2.0/networks', 'network', { name: `${tag}-net` });
  const subnet = await api.create<Subnet>('/v2.0/subnets', 'subnet', {
    name: `${tag}-subnet`,
    network_id: network.id,
    cidr: `198.18.${octet}.0/24`,
    ip_version: 4,
  });
  const pool = await api.create<Pool>('/v2.0/lb/pools', 'pool', {
    name: `${tag}-pool`,
    protocol: 'HTTP',
    lb_method: 'ROUND_ROBIN',
    subnet_id: subnet.id,
  });
  const member = await api.create<Member>('/v2.0/lb/members', 'member', {
    pool_id: pool.id,
    address: `198.18.${octet}.11`,
    protocol_port: 80,
  });
  const certificate = await api.create<Certificate>('/v2.0/lb/certificates', 'certificate', {
    name: `${tag}-certificate`,
    certificate: pem.certificatePem,
    private_key: pem.privateKeyPem,
  });
  const vip = await api.create<Vip>('/v2.0/lb/vips', 'vip', {
    name: `${tag}-vip`,
    protocol: 'HTTP',
    protocol_port: 80,
    subnet_id: subnet.id,
    pool_id: pool.id,
    tls_certificate_id: certificate.id,
  });
  const monitor = await api.create<HealthMonitor>('/v2.0/lb/health_monitors', 'health_monitor', {
    type: 'TCP',
    delay: 5,
    timeout: 3,
    max_retries: 2,
  });
  const associated = await api.post(`/v2.0/lb/pools/${pool.id}/health_monitors`, { health_monitor: { id: monitor.id } });
  if (associated.status !== 201) throw new Error(`associate: ${associated.status} ${associated.text}`);
  const floatingIp = await api.create<FloatingIp>('/v2.0/floatingips', 'floatingip', {
    floating_network_id: publicNet.id,
    port_id: vip.port_id,
  });
  const groups = await api.get<{ security_groups: { id: string; name: string }[] }>('/v2.0/security-groups?name=default');
  if (groups.status !== 200 || groups.body.security_groups.length !== 1)
    throw new Error(`the default security group: ${groups.status} ${groups.text}`);
  return {
    networks: network,
    subnets: subnet,
    ports: { id: vip.port_id, name: `vip-${vip.id}` },
    floatingips: floatingIp,
    pools: pool,
    members: member,
    vips: vip,
    health_monitors: monitor,
    certificates: certificate,
    security_groups: groups.body.security_groups[0],
  };
}

/** The external network every tenant allocates floating IPs from, created by an admin. */
export async function createPublicNetwork(admin: NeutronApi): Promise<Network> {
  const publicNet = await admin.create<Network>('/v2.0/networks', 'network', { name: 'public', 'router:external': true });
  await admin.create<Subnet>('/v2.0/subnets', 'subnet', {
    name: 'public-subnet',
    network_id: publicNet.id,
    cidr: '198.19.0.0/24',
    ip_version: 4,
  });
  return publicNet;
}
