import { Controller, Inject, Param } from '@nestjs/common';
import { AVAILABILITY_ZONE_CAPABILITIES, FLAVOR_CAPABILITIES, PROVIDER_NAME } from '@lbaas/domain';
import { HttpError } from '../../http/errors';
import { LoadBalancerCommands } from '../commands/loadbalancer-commands';
import { notImplemented } from '../http/octavia-faults';
import { Caller, NoBody, notFound, objectId, type OctaviaCaller, OctaviaEndpoint, PathIds, TargetUrl } from '../http/octavia-input';
import { fieldsOf, octaviaListQuery, pageLinks } from '../http/octavia-query';
import { AMPHORA_ROUTES, PROVIDER_ROUTES } from '../http/octavia-routes';
import { OctaviaReads, projected } from '../octavia-reads';
import { OCTAVIA_SHARED, type OctaviaShared } from '../octavia-shared';

/** What `/v2/lbaas/providers` says of this deployment's one provider: what it does, and what it does not. */
export const PROVIDER_DESCRIPTION =
  'lbaas: HAProxy and keepalived in network namespaces, an active and a standby placement per load balancer (VRRP). ' +
  'Listeners HTTP, HTTPS (passthrough), TCP and TERMINATED_HTTPS; pools HTTP, HTTPS, TCP, PROXY and PROXYV2 with ROUND_ROBIN, LEAST_CONNECTIONS or SOURCE_IP; ' +
  'health monitors HTTP, HTTPS, PING, TCP and TLS-HELLO; L7 policies and rules; allowed_cidrs (IPv4); SNI certificates, client certificate ' +
  'authentication and headers, and TLS ciphers, versions (a contiguous range) and ALPN on listeners; re-encryption to members (verified by a CA or not, ' +
  'with a client certificate). Flavors set loadbalancer_topology (SINGLE: one placement, ACTIVE_STANDBY: the pair); availability zones set ' +
  'compute_zone (the nodes that may hold the placements). Not supported: UDP and SCTP (no IPVS on the nodes), PROMETHEUS listeners, SOURCE_IP_PORT, ' +
  'certificate revocation lists.';

const AMPHORA = 'Amphora';

/** The provider list and its capabilities, and the amphorae (admin): each placement of a load balancer. */
@Controller()
export class OperatorController {
  constructor(
    @Inject(OCTAVIA_SHARED) private readonly shared: OctaviaShared,
    private readonly reads: OctaviaReads,
    private readonly commands: LoadBalancerCommands,
  ) {}

  @OctaviaEndpoint(PROVIDER_ROUTES.list)
  providers(@TargetUrl() url: URL) {
    return { providers: [projected({ name: PROVIDER_NAME, description: PROVIDER_DESCRIPTION }, fieldsOf(url.searchParams))] };
  }

  /** What a flavor profile's flavor_data may set: the topology. */
  @OctaviaEndpoint(PROVIDER_ROUTES.flavorCapabilities)
  flavorCapabilities(@Param('provider') provider: string, @TargetUrl() url: URL) {
    knownProvider(provider);
    return { flavor_capabilities: FLAVOR_CAPABILITIES.map((c) => projected({ ...c }, fieldsOf(url.searchParams))) };
  }

  /** What an availability zone profile's availability_zone_data may set: the compute zone. */
  @OctaviaEndpoint(PROVIDER_ROUTES.availabilityZoneCapabilities)
  availabilityZoneCapabilities(@Param('provider') provider: string, @TargetUrl() url: URL) {
    knownProvider(provider);
    return { availability_zone_capabilities: AVAILABILITY_ZONE_CAPABILITIES.map((c) => projected({ ...c }, fieldsOf(url.searchParams))) };
  }

  @OctaviaEndpoint(AMPHORA_ROUTES.list)
  async amphorae(@TargetUrl() url: URL) {
    const query = octaviaListQuery(url.searchParams);
    const { items, ids, more } = await this.shared.queries.list('amphorae', null, query);
    return { amphorae: items, amphorae_links: pageLinks(url, query.page, ids, more) };
  }

  @OctaviaEndpoint(AMPHORA_ROUTES.show)
  async amphora(@PathIds(AMPHORA) { id }: { id: string }, @TargetUrl() url: URL) {
    return { amphora: projected(await this.amphoraRow(id), fieldsOf(url.searchParams)) };
  }

  /** Fails over the amphora's load balancer: its standby takes over and a new standby is placed. */
  @OctaviaEndpoint(AMPHORA_ROUTES.failover)
  async failover(@PathIds(AMPHORA) { id }: { id: string }, @NoBody() _body: undefined, @Caller() caller: OctaviaCaller): Promise<void> {
    const row = await this.amphoraRow(id);
    await this.commands.failover(caller, objectId('Load Balancer', String(row.loadbalancer_id)));
  }

  @OctaviaEndpoint(AMPHORA_ROUTES.stats)
  async stats(@PathIds(AMPHORA) { id }: { id: string }): Promise<never> {
    await this.amphoraRow(id);
    throw notImplemented("Amphora statistics are not kept per amphora here: read the load balancer's or its listeners' stats.");
  }

  @OctaviaEndpoint(AMPHORA_ROUTES.config)
  async config(@PathIds(AMPHORA) { id }: { id: string }, @NoBody() _body: undefined): Promise<never> {
    await this.amphoraRow(id);
    throw notImplemented('Amphorae here have no agent configuration to push: node agents take their settings from the environment.');
  }

  private async amphoraRow(id: string): Promise<Record<string, unknown>> {
    const row = await this.shared.queries.get('amphorae', id);
    if (row === null) throw notFound(AMPHORA, id);
    return row;
  }
}

function knownProvider(provider: string): void {
  if (provider !== PROVIDER_NAME) throw new HttpError(400, 'ProviderNotEnabled', `Provider '${provider}' is not enabled.`);
}
