import type { LoadBalancerState, ServiceInstanceState } from '@lbaas/domain';
import { LoadBalancerIndex } from './load-balancer-index';

// Only the fields the index reads; the rest of a state is the domain's business.
const lb = (...certificates: (string | null)[]): LoadBalancerState =>
  ({ kind: 'live', listeners: certificates.map((c, i) => ({ id: `l${i}`, defaultTlsCertificateId: c })) }) as never;
const instance = (
  id: string,
  source: { kind: 'loadbalancer'; loadBalancerId: string } | { kind: 'vip'; vipId: string },
): ServiceInstanceState => ({ kind: 'live', id, source }) as never;
const deleted = { kind: 'deleted' } as const;

describe('LoadBalancerIndex', () => {
  it("finds a load balancer's instance, and forgets it when the instance goes", () => {
    const index = new LoadBalancerIndex();
    const si = instance('si-1', { kind: 'loadbalancer', loadBalancerId: 'lb-1' });
    index.instance(undefined, si);
    index.instance(undefined, instance('si-v', { kind: 'vip', vipId: 'lb-1' }));
    expect(index.instancesOf('lb-1')).toEqual(['si-1']);
    index.instance(si, deleted);
    expect(index.instancesOf('lb-1')).toEqual([]);
  });

  it('renders again the load balancers whose listeners name a certificate, following changes of listeners', () => {
    const index = new LoadBalancerIndex();
    index.instance(undefined, instance('si-1', { kind: 'loadbalancer', loadBalancerId: 'lb-1' }));
    index.loadBalancer('lb-1', undefined, lb('c1', null));
    expect(index.instancesUsing('c1')).toEqual(['si-1']);
    index.loadBalancer('lb-1', lb('c1', null), lb('c2'));
    expect(index.instancesUsing('c1')).toEqual([]);
    expect(index.instancesUsing('c2')).toEqual(['si-1']);
    index.loadBalancer('lb-1', lb('c2'), deleted);
    expect(index.instancesUsing('c2')).toEqual([]);
  });
});
