import { checkKeepalivedInput } from './config-input-checks';
import type { KeepalivedInput } from './model';

/**
 * keepalived.conf of one placement: VRRP v3 between the pair over unicast, the active at 200
 * and the standby at 100, adverts every 100 ms, the VIP as the virtual address, and HAProxy's
 * liveness tracked so a placement whose HAProxy died gives the VIP up. Both start as BACKUP:
 * the election, not the file, decides who is master, and the active wins it back when it returns.
 */
export function renderKeepalivedConfig(input: KeepalivedInput): string {
  checkKeepalivedInput(input);
  const short = input.instanceId.slice(0, 8);
  const lines = [
    `# keepalived.conf of placement ${input.vmId} (${input.role}) of service instance ${input.instanceId}, rendered by lbaas; do not edit`,
    'global_defs {',
    `    router_id lb-${input.vmId.slice(0, 8)}`,
    '    vrrp_version 3',
    '    enable_script_security',
    '    script_user root',
    '}',
    'vrrp_script lb_haproxy_alive {',
    `    script "/bin/sh -c 'kill -0 $(cat ${input.runDir}/haproxy.pid)'"`,
    '    interval 1',
    '    fall 2',
    '    rise 1',
    '}',
    `vrrp_instance lb_${short} {`,
    '    state BACKUP',
    `    interface ${input.interface}`,
    `    virtual_router_id ${input.virtualRouterId}`,
    `    priority ${input.priority}`,
    '    advert_int 0.1',
  ];
  if (input.peerAddress !== null) {
    lines.push(`    unicast_src_ip ${input.vrrpAddress}`, '    unicast_peer {', `        ${input.peerAddress}`, '    }');
  }
  lines.push(
    '    virtual_ipaddress {',
    `        ${input.vip.address}/${input.vip.prefixLength} dev ${input.interface}`,
    '    }',
    '    track_script {',
    '        lb_haproxy_alive',
    '    }',
    '}',
  );
  return `${lines.join('\n')}\n`;
}
