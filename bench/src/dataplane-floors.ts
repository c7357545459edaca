/** The files of the dataplane bench's floors: HAProxy and keepalived by hand, with the settings the renderer would use. */

/** A master-worker HAProxy in `dir` (its pid file there) balancing `bind` over the servers. */
export const handHaproxyConfig = (dir: string, bind: string, servers: readonly string[]): string =>
  [
    'global',
    '    master-worker',
    `    pidfile ${dir}/haproxy.pid`,
    'defaults',
    '    mode http',
    '    timeout connect 5000',
    '    timeout client 50000',
    '    timeout server 50000',
    'frontend f',
    `    bind ${bind}`,
    '    default_backend b',
    'backend b',
    '    balance roundrobin',
    ...servers.map((s, i) => `    server s${i + 1} ${s} weight 1`),
    '',
  ].join('\n');

/** One side of a plain unicast keepalived pair holding `vip` on lbv0, adverts every 0.1 s as the renderer's. */
export const plainKeepalivedConfig = (o: {
  readonly name: string;
  readonly master: boolean;
  readonly self: string;
  readonly peer: string;
  readonly vip: string;
}): string =>
  [
    'global_defs {',
    `    router_id ${o.name}`,
    '    vrrp_version 3',
    '}',
    'vrrp_instance plain {',
    `    state ${o.master ? 'MASTER' : 'BACKUP'}`,
    '    interface lbv0',
    '    virtual_router_id 250',
    `    priority ${o.master ? 200 : 100}`,
    '    advert_int 0.1',
    `    unicast_src_ip ${o.self}`,
    '    unicast_peer {',
    `        ${o.peer}`,
    '    }',
    '    virtual_ipaddress {',
    `        ${o.vip}/24 dev lbv0`,
    '    }',
    '}',
    '',
  ].join('\n');
