import { Inject, Injectable } from '@nestjs/common';
import {
  CATALOG_ID,
  catalogDecider,
  type CatalogUse,
  type CertificateUse,
  DEFAULT_PLACEMENT,
  type PlacementPolicy,
  placementPolicy,
  type LoadBalancerResource,
  type LoadBalancerVip,
  networkDecider,
  PROVIDER_NAME,
  portDecider,
  type PortState,
  subnetDecider,
  type SubnetState,
  ValidationError,
} from '@lbaas/domain';
import type { CommandRun, Saga } from '../../commands/command-run';
import { addressAllocatedTo } from '../../commands/network-commands';
import type { Deleted, Written } from '../../commands/request-context';
import type { OctaviaCaller } from '../http/octavia-input';
import { OCTAVIA_RESOURCES } from '../http/octavia-routes';
import type { OctaviaBodyOf } from '../http/octavia-schemas';
import { OctaviaReads } from '../octavia-reads';
import { OCTAVIA_SHARED, type OctaviaShared } from '../octavia-shared';
import { NO_TLS, type TlsReference } from './octavia-configs';
import { checkPolicyRegexes, REGEX_CHECK, type RegexCheck } from './l7-commands';
import { loadBalancerTree } from './load-balancer-tree';
import { loadBalancerTreeClaims } from '../quota/quota-accounting';
import { OctaviaRuns } from './octavia-runs';
import { resolveTlsReference } from './tls-reference';

/** Octavia's device owner for the VIP port it creates in the network API. */
export const OCTAVIA_PORT_OWNER = 'Octavia';
const LB = OCTAVIA_RESOURCES.loadbalancers;

/** Where the VIP lives: a port to create (with an address to allocate) or a port of the project's to use as it is. */
type VipPlan = { readonly subnetId: string; readonly networkId: string } & (
  | { readonly kind: 'new-port'; readonly address: string | undefined }
  | { readonly kind: 'existing-port'; readonly portId: string; readonly address: string }
);

const invalid = (message: string): ValidationError => new ValidationError(message);

/**
 * Load balancers: the create is a saga over the network API's aggregates (the subnet allocates
 * the VIP address, then a port with device_owner Octavia holds it) and then the load balancer's
 * own stream, compensated newest first when a step is refused; the delete releases the port and
 * the address once the load balancer is gone.
 */
@Injectable()
export class LoadBalancerCommands {
  private readonly runs: OctaviaRuns;

  constructor(
    @Inject(OCTAVIA_SHARED) shared: OctaviaShared,
    private readonly reads: OctaviaReads,
    @Inject(REGEX_CHECK) private readonly regexCheck: RegexCheck,
  ) {
    this.runs = new OctaviaRuns(shared);
  }

  async create(caller: OctaviaCaller, body: OctaviaBodyOf<'createLoadBalancer'>): Promise<Written<LoadBalancerResource>> {
    const projectId = this.runs.projectFor(caller, body.project_id ?? body.tenant_id, 'os_load-balancer_api:loadbalancer:post');
    if (body.provider !== undefined && body.provider !== PROVIDER_NAME) throw invalid(`Provider '${body.provider}' is not enabled.`);
    const run = this.runs.begin(caller, projectId);
    const id = this.runs.newId();
    const at = this.runs.now();
    const plan = await this.vipPlan(run, body);
    const tree = await this.tree(run, body, projectId);
    await checkPolicyRegexes(this.regexCheck, tree.l7policies);
    const portId = plan.kind === 'existing-port' ? plan.portId : this.runs.derivedId(`${id}/vip-port`);
    const { out, use } = await run.saga(async (saga) => {
      await this.runs.reserveFirst(run, saga, projectId, id, loadBalancerTreeClaims(id, tree));
      const { placement, use } = await this.recordCatalogUse(run, saga, id, body.flavor_id ?? null, body.availability_zone ?? null);
      let address = plan.kind === 'existing-port' ? plan.address : '';
      if (plan.kind === 'new-port') {
        const allocated = saga.compensate(
          await run.execute(
            subnetDecider,
            plan.subnetId,
            () => ({ type: 'AllocateAddress', data: { subnetId: plan.subnetId, ownerId: portId, ipAddress: plan.address } }),
            { scoped: false },
          ),
          () => releaseAddress(run, plan.subnetId, portId),
        );
        address = addressAllocatedTo(allocated.state, portId);
        saga.compensate(
          await run.execute(portDecider, portId, () => ({
            type: 'CreatePort',
            data: {
              portId,
              tenantId: projectId,
              networkId: plan.networkId,
              subnetId: plan.subnetId,
              ipAddress: address,
              name: `octavia-lb-${id}`,
              deviceId: id,
              deviceOwner: OCTAVIA_PORT_OWNER,
            },
          })),
          () => deletePort(run, portId),
        );
      }
      const vip: LoadBalancerVip = {
        address,
        subnetId: plan.subnetId,
        networkId: plan.networkId,
        portId,
        qosPolicyId: body.vip_qos_policy_id ?? null,
      };
      const created = await this.runs.execute(run, id, () => ({
        type: 'CreateLoadBalancer',
        data: {
          loadBalancer: {
            id,
            projectId,
            name: body.name ?? '',
            description: body.description ?? '',
            vip,
            adminStateUp: body.admin_state_up ?? true,
            provider: body.provider ?? PROVIDER_NAME,
            flavorId: body.flavor_id ?? null,
            availabilityZone: body.availability_zone ?? null,
            tags: body.tags ?? [],
          },
          listeners: tree.listeners,
          pools: tree.pools,
          l7policies: tree.l7policies,
          placement,
          at,
        },
      }));
      return { out: created, use };
    });
    if (use !== null && this.runs.lateCreates.late(use.at)) await this.runs.lateCreates.recordUseAgain(run, use);
    return this.runs.written(run, out.state, 'loadbalancers', LB.title, id);
  }

  async update(caller: OctaviaCaller, id: string, body: OctaviaBodyOf<'updateLoadBalancer'>): Promise<Written<LoadBalancerResource>> {
    const row = await this.reads.owned(LB, id, caller.principal, 'os_load-balancer_api:loadbalancer:put');
    const run = this.runs.begin(caller, String(row.project_id));
    const changes = Object.fromEntries(
      Object.entries({
        name: body.name === null ? '' : body.name,
        description: body.description === null ? '' : body.description,
        adminStateUp: body.admin_state_up,
        tags: body.tags,
        vipQosPolicyId: body.vip_qos_policy_id,
      }).filter(([, v]) => v !== undefined),
    );
    const out = await this.runs.execute(run, id, () => ({
      type: 'UpdateLoadBalancer',
      data: { loadBalancerId: id, changes, at: this.runs.now() },
    }));
    return this.runs.written(run, out.state, 'loadbalancers', LB.title, id);
  }

  /** Load balancer (with its children when `cascade`) -> the VIP's port, if this API made it -> its address. */
  async delete(caller: OctaviaCaller, id: string, cascade: boolean): Promise<Deleted> {
    const row = await this.reads.owned(LB, id, caller.principal, 'os_load-balancer_api:loadbalancer:delete');
    const run = this.runs.begin(caller, String(row.project_id));
    const seen: { vip: LoadBalancerVip | null; usesCatalog: boolean } = { vip: null, usesCatalog: false };
    await this.runs.execute(run, id, (state) => {
      seen.vip = state.kind === 'live' ? state.vip : null;
      seen.usesCatalog = state.kind === 'live' && (state.flavorId !== null || state.availabilityZone !== null);
      return { type: 'DeleteLoadBalancer', data: { loadBalancerId: id, cascade, at: this.runs.now() } };
    });
    if (seen.usesCatalog) await endCatalogUse(run, id);
    const vip = seen.vip;
    if (vip !== null) {
      const { state: port } = await run.load(portDecider, vip.portId);
      // A port the client gave (vip_port_id) stays theirs.
      if (port.kind === 'live' && port.deviceOwner === OCTAVIA_PORT_OWNER && port.deviceId === id) {
        await deletePort(run, vip.portId);
        await releaseAddress(run, vip.subnetId, vip.portId);
      }
    }
    return this.runs.done(run);
  }

  async failover(caller: OctaviaCaller, id: string): Promise<Deleted> {
    const row = await this.reads.owned(LB, id, caller.principal, 'os_load-balancer_api:loadbalancer:put_failover');
    const run = this.runs.begin(caller, String(row.project_id));
    await this.runs.execute(run, id, () => ({ type: 'RequestLoadBalancerFailover', data: { loadBalancerId: id, at: this.runs.now() } }));
    return this.runs.done(run);
  }

  /**
   * The flavor's topology and the zone's compute zone, decided on the catalog as the log holds it.
   * With a flavor or zone, the load balancer's use of them is recorded there first (with optimistic
   * concurrency, so a concurrent deletion of the flavor or zone either comes first and this create
   * is refused, or is refused itself), and ended if the create is refused.
   */
  private async recordCatalogUse(
    run: CommandRun,
    saga: Saga,
    loadBalancerId: string,
    flavorId: string | null,
    availabilityZone: string | null,
  ): Promise<{ placement: PlacementPolicy; use: CatalogUse | null }> {
    if (flavorId === null && availabilityZone === null) return { placement: DEFAULT_PLACEMENT, use: null };
    const recorded = saga.compensate(
      await run.execute(
        catalogDecider,
        CATALOG_ID,
        () => ({ type: 'RecordCatalogUse', data: { loadBalancerId, flavorId, availabilityZone, at: this.runs.now() } }),
        { scoped: false },
      ),
      () => endCatalogUse(run, loadBalancerId),
    );
    // The use as held: an earlier try of the same request may have recorded it, at its own time.
    const use = recorded.state.uses.find((u) => u.loadBalancerId === loadBalancerId) ?? null;
    return { placement: placementPolicy(recorded.state, flavorId, availabilityZone), use };
  }

  /**
   * vip_port_id (a port of the project that no device uses: its address), else vip_subnet_id,
   * else vip_network_id (its first subnet); vip_address is allocated from the subnet when absent.
   */
  private async vipPlan(run: CommandRun, body: OctaviaBodyOf<'createLoadBalancer'>): Promise<VipPlan> {
    if (body.vip_port_id !== undefined) {
      const port = await visibleOr400(() => run.visible(portDecider, body.vip_port_id as string), 'Port', body.vip_port_id);
      if (port.deviceId !== '' || port.deviceOwner !== '')
        throw invalid(
          `Port ${port.id} is already in use by ${port.deviceOwner || 'a device'} ${port.deviceId}: give a port no device uses.`,
        );
      if (body.vip_subnet_id !== undefined && body.vip_subnet_id !== port.subnetId)
        throw invalid(`Port ${port.id} is not on subnet ${body.vip_subnet_id}.`);
      if (body.vip_address !== undefined && body.vip_address !== port.ipAddress)
        throw invalid(`Port ${port.id} has the address ${port.ipAddress}, not ${body.vip_address}.`);
      return { kind: 'existing-port', portId: port.id, address: port.ipAddress, subnetId: port.subnetId, networkId: port.networkId };
    }
    if (body.vip_subnet_id !== undefined) {
      const subnet = await visibleOr400(() => run.visible(subnetDecider, body.vip_subnet_id as string), 'Subnet', body.vip_subnet_id);
      if (body.vip_network_id !== undefined && body.vip_network_id !== subnet.networkId)
        throw invalid(`Subnet ${subnet.id} is not on network ${body.vip_network_id}.`);
      return { kind: 'new-port', address: body.vip_address, subnetId: subnet.id, networkId: subnet.networkId };
    }
    if (body.vip_network_id !== undefined) {
      const network = await visibleOr400(() => run.visible(networkDecider, body.vip_network_id as string), 'Network', body.vip_network_id);
      const first = network.subnets[0];
      if (first === undefined) throw invalid(`Network ${network.id} has no subnet to allocate the VIP address from.`);
      return { kind: 'new-port', address: body.vip_address, subnetId: first.subnetId, networkId: network.id };
    }
    throw invalid('VIP must contain one of: vip_port_id, vip_network_id, vip_subnet_id.');
  }

  /** The single-call create's listeners and pools, with every certificate reference resolved once. */
  private async tree(run: CommandRun, body: OctaviaBodyOf<'createLoadBalancer'>, projectId: string) {
    const listeners = body.listeners ?? [];
    const pools: PoolReferenceFields[] = [...(body.pools ?? []), ...listeners.flatMap((l) => (l.default_pool ? [l.default_pool] : []))];
    const refs: [string | null | undefined, CertificateUse][] = [
      ...listeners.flatMap((l): [string | null | undefined, CertificateUse][] => [
        [l.default_tls_container_ref, 'server'],
        ...(l.sni_container_refs ?? []).map((ref): [string, CertificateUse] => [ref, 'server']),
        [l.client_ca_tls_container_ref, 'ca'],
        [l.client_crl_container_ref, 'crl'],
      ]),
      ...pools.flatMap((p): [string | null | undefined, CertificateUse][] => [
        [p.tls_container_ref, 'server'],
        [p.ca_tls_container_ref, 'ca'],
        [p.crl_container_ref, 'crl'],
      ]),
    ];
    const resolved = new Map<string, TlsReference>();
    for (const [ref, use] of refs) {
      // Each use of a reference is checked: the same certificate may serve as a CA and be refused as a CRL.
      if (ref !== undefined && ref !== null) resolved.set(ref, await resolveTlsReference(run, ref, projectId, use));
    }
    const of = (ref: string | null | undefined): TlsReference => (ref ? (resolved.get(ref) ?? NO_TLS) : NO_TLS);
    return loadBalancerTree(
      listeners,
      body.pools ?? [],
      () => this.runs.newId(),
      (l) => {
        const sni = (l.sni_container_refs ?? []).map(of);
        return {
          defaultTls: of(l.default_tls_container_ref),
          sni: { refs: sni.map((s) => s.ref as string), certificateIds: sni.map((s) => s.certificateId as string) },
          clientCa: of(l.client_ca_tls_container_ref),
          clientCrl: of(l.client_crl_container_ref),
        };
      },
      (p) => ({ client: of(p.tls_container_ref), ca: of(p.ca_tls_container_ref), crl: of(p.crl_container_ref) }),
    );
  }
}

/** The certificate references a pool of the single-call create may hold. */
interface PoolReferenceFields {
  readonly tls_container_ref?: string | null;
  readonly ca_tls_container_ref?: string | null;
  readonly crl_container_ref?: string | null;
}

/** Octavia answers a VIP's subnet, network or port that does not exist (for the caller) with a 400. */
async function visibleOr400<T>(load: () => Promise<T>, title: string, id: string): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof Error && 'kind' in error && error.kind === 'not-found') throw invalid(`${title} ${id} not found.`);
    throw error;
  }
}

function endCatalogUse(run: CommandRun, loadBalancerId: string) {
  return run.execute(catalogDecider, CATALOG_ID, () => ({ type: 'EndCatalogUse', data: { loadBalancerId } }), { scoped: false });
}

function deletePort(run: CommandRun, portId: string) {
  return run.execute(portDecider, portId, (s: PortState) => (s.kind === 'live' ? { type: 'DeletePort', data: { portId } } : null), {
    scoped: false,
  });
}

function releaseAddress(run: CommandRun, subnetId: string, ownerId: string) {
  return run.execute(
    subnetDecider,
    subnetId,
    (s: SubnetState) => (s.kind === 'live' ? { type: 'ReleaseAddress', data: { subnetId, ownerId } } : null),
    { scoped: false },
  );
}
