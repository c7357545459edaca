import { RESOURCE_LIST } from './route-table';

/**
 * Neutron's discovery documents, so clients that probe for the API version and the LBaaS
 * extension find them: `GET /`, `GET /v2.0`, `GET /v2.0/extensions[/<alias>]`.
 */
export function versionsDocument(baseUrl: string): object {
  return { versions: [{ id: 'v2.0', status: 'CURRENT', links: [{ href: `${baseUrl}/v2.0/`, rel: 'self' }] }] };
}

export function resourcesDocument(baseUrl: string): object {
  return {
    resources: RESOURCE_LIST.map((r) => ({
      name: r.singular,
      collection: r.collection,
      links: [{ href: `${baseUrl}${r.path}`, rel: 'self' }],
    })),
  };
}

const EXTENSIONS = [
  {
    alias: 'lbaas',
    name: 'LoadBalancing service',
    description: 'Extension for LoadBalancing service (Neutron LBaaS v1: pools, members, VIPs, health monitors)',
    namespace: 'http://wiki.openstack.org/neutron/LBaaS/API_1.0',
    updated: '2012-10-07T10:00:00-00:00',
    links: [],
  },
  {
    alias: 'router',
    name: 'Neutron L3 Router',
    description: 'Floating IPs (the part of the L3 extension this service implements)',
    namespace: 'http://docs.openstack.org/ext/neutron/router/api/v1.0',
    updated: '2012-07-20T10:00:00-00:00',
    links: [],
  },
  {
    alias: 'external-net',
    name: 'Neutron external network',
    description: 'Adds external network attribute to network resource.',
    namespace: 'http://docs.openstack.org/ext/neutron/external_net/api/v1.0',
    updated: '2013-01-14T10:00:00-00:00',
    links: [],
  },
] as const;

export const extensionsDocument = (): object => ({ extensions: EXTENSIONS });

export const extensionDocument = (alias: string): object | null => {
  const found = EXTENSIONS.find((e) => e.alias === alias);
  return found ? { extension: found } : null;
};
