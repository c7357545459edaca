import { statusTree } from './status-tree';

const row = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: `n-${id}`,
  provisioning_status: 'ACTIVE',
  operating_status: 'ONLINE',
  ...extra,
});

describe("Octavia's status tree", () => {
  it('nests listeners, the pools they use, their members and monitor', () => {
    const tree = statusTree(
      row('lb', { vip_address: '198.18.0.5' }),
      [row('l1', { default_pool_id: 'p1' }), row('l2', { default_pool_id: null })],
      [row('p1', { listeners: [{ id: 'l1' }], healthmonitor_id: 'h1' }), row('p2', { listeners: [], healthmonitor_id: null })],
      [
        row('m1', { pool_id: 'p1', address: '198.18.2.11', protocol_port: 80, operating_status: 'ERROR' }),
        row('m2', { pool_id: 'p2', address: '198.18.2.12', protocol_port: 80 }),
      ],
      [row('h1', { type: 'HTTP', pools: [{ id: 'p1' }] })],
    );
    expect(tree).toEqual({
      statuses: {
        loadbalancer: {
          id: 'lb',
          name: 'n-lb',
          provisioning_status: 'ACTIVE',
          operating_status: 'ONLINE',
          listeners: [
            {
              ...row('l1'),
              pools: [
                {
                  ...row('p1'),
                  health_monitor: { ...row('h1'), type: 'HTTP' },
                  members: [{ ...row('m1'), operating_status: 'ERROR', address: '198.18.2.11', protocol_port: 80 }],
                },
              ],
            },
            { ...row('l2'), pools: [] },
          ],
        },
      },
    });
  });

  it('names a nameless object with an empty string', () => {
    expect(statusTree({ ...row('lb'), name: null }, [], [], [], []).statuses.loadbalancer.name).toBe('');
  });
});
