import type { KeepalivedInput } from './model';
import { validateKeepalivedInput } from './validate';

/** Adverts the active waits, unanswered, in BACKUP before it takes the VIP (keepalived's default and the RFC's: 3). */
const ACTIVE_DOWN_TIMER_ADVERTS = 1;

/**
 * The tracked script's command line: true while the process whose pid HAProxy wrote runs. A pid
 * of 0 or 1 (or a negative one) would make `kill -0` ask about a group or every process; `read`'s
 * own status is ignored, as it fails on a file without a final newline, whose pid it still reads.
 */
export const haproxyAliveCommand = (runDir: string): string =>
  `/bin/sh -c 'read -r pid < ${runDir}/haproxy.pid; [ "$pid" -gt 1 ] && kill -0 "$pid"'`;

/**
 * keepalived.conf of one placement for keepalived 2.2.7: VRRP v3 between the pair over unicast,
 * adverts every 100 ms, the VIP as the virtual address, and HAProxy's liveness tracked so a
 * placement whose HAProxy died gives the VIP up. Deterministic, like the haproxy.cfg renderer.
 * Throws InvalidRenderInput, before producing any text, when a value is not of the shape the
 * file allows.
 */
export function renderKeepalivedConfig(input: KeepalivedInput): string {
  validateKeepalivedInput(input);
  const lines = [
    `# keepalived.conf of placement ${input.vmId} (${input.role}) of service instance ${input.instanceId}, rendered by lbaas; do not edit`,
    'global_defs {',
    `    router_id ${input.vmId}`,
    '    vrrp_version 3',
    '    enable_script_security',
    '    script_user root',
    '}',
    // Exits 0 only while the pid in the file runs: HAProxy's master, whose death is HAProxy's. The
    // shell's builtins (read, test, kill -0), not pgrep -F, which reads every process of the
    // host: 20-60 ms of CPU a run, once a second per placement, and the new active's first run
    // holds it in INIT. runDir is letters, digits, . _ - and / (validated), safe in single quotes.
    'vrrp_script haproxy_alive {',
    `    script "${haproxyAliveCommand(input.runDir)}"`,
    '    interval 1',
    '    fall 2',
    '    rise 1',
    '}',
    `vrrp_instance lb-${input.instanceId} {`,
    // The active starts as MASTER so a new VIP answers without waiting out an election (three
    // adverts); neither is nopreempt, so the higher priority holds the VIP whenever both run. An
    // operator's failover relies on it: with the priorities swapped, the new 200 takes the VIP
    // once it hears only 100, and the old master yields at the first advert of 200 (a reload
    // keeps the running state, whatever `state` says).
    `    state ${input.role === 'active' ? 'MASTER' : 'BACKUP'}`,
    // keepalived 2.2.7 ignores `state MASTER` below priority 255: the instance leaves INIT (its
    // tracked script's first success) as BACKUP and waits out the master-down timer before it
    // takes the VIP, 3 adverts plus skew by default, some 320 ms of a new VIP's wait. The active
    // at 200 has no higher peer to wait for, so one advert is enough to hear a master that holds
    // the VIP already (a handover's old active, at 200 until its reload). The standby keeps the
    // RFC's 3: its timer is the one that detects a lost master, and one late advert must not
    // make it take the VIP.
    ...(input.role === 'active' ? [`    down_timer_adverts ${ACTIVE_DOWN_TIMER_ADVERTS}`] : []),
    `    interface ${input.interface}`,
    `    virtual_router_id ${input.virtualRouterId}`,
    `    priority ${input.priority}`,
    '    advert_int 0.1',
    // keepalived 2.2.7 rejects unicast_src_ip without peers (-t fails), so a lone placement adverts by multicast.
    ...(input.peerAddress === null
      ? []
      : [`    unicast_src_ip ${input.vrrpAddress}`, '    unicast_peer {', `        ${input.peerAddress}`, '    }']),
    '    virtual_ipaddress {',
    `        ${input.vip.address}/${input.vip.prefixLength} dev ${input.interface}`,
    '    }',
    '    track_script {',
    '        haproxy_alive',
    '    }',
    '}',
  ];
  return `${lines.join('\n')}\n`;
}
