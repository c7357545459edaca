import { baseKeepalivedInput, uuidOf } from './golden-cases';
import type { KeepalivedInput } from './model';
import { renderKeepalivedConfig } from './render-keepalived';
import { InvalidRenderInput } from './validate';

const render = (change: Partial<KeepalivedInput> = {}) => renderKeepalivedConfig({ ...baseKeepalivedInput(), ...change });
/** The lines of the top-level block opened by `header`, up to its closing brace, without indentation. */
function block(text: string, header: string): string[] {
  const lines = text.split('\n');
  const start = lines.indexOf(`${header} {`);
  if (start < 0) throw new Error(`no block ${header}`);
  return lines.slice(start + 1, lines.indexOf('}', start)).map((l) => l.trim());
}
const INSTANCE = `vrrp_instance lb-${uuidOf(1)}`;

describe('renderKeepalivedConfig', () => {
  it('starts with a comment naming placement, role and instance', () => {
    expect(render().split('\n')[0]).toBe(
      `# keepalived.conf of placement ${uuidOf(71)} (active) of service instance ${uuidOf(1)}, rendered by lbaas; do not edit`,
    );
  });

  it('global_defs: router_id from the vm id, VRRP v3, scripts only as root and only if safe', () => {
    expect(block(render(), 'global_defs')).toEqual([
      `router_id ${uuidOf(71)}`,
      'vrrp_version 3',
      'enable_script_security',
      'script_user root',
    ]);
  });

  it("tracks HAProxy by the pid in the placement runDir, with the shell's builtins", () => {
    expect(block(render(), 'vrrp_script haproxy_alive')).toEqual([
      `script "/bin/sh -c 'read -r pid < ${baseKeepalivedInput().runDir}/haproxy.pid; [ "$pid" -gt 1 ] && kill -0 "$pid"'"`,
      'interval 1',
      'fall 2',
      'rise 1',
    ]);
  });

  it('vrrp_instance named from the instance id: the active MASTER after one advert, no nopreempt, 100 ms adverts to the unicast peer, the VIP, the tracked script', () => {
    const text = render();
    expect(block(text, INSTANCE)).toEqual([
      'state MASTER',
      'down_timer_adverts 1',
      'interface lbv0',
      'virtual_router_id 7',
      'priority 200',
      'advert_int 0.1',
      'unicast_src_ip 198.19.192.1',
      'unicast_peer {',
      '198.19.192.2',
      '}',
      'virtual_ipaddress {',
      '198.18.1.10/24 dev lbv0',
      '}',
      'track_script {',
      'haproxy_alive',
      '}',
    ]);
    expect(text.endsWith('    track_script {\n        haproxy_alive\n    }\n}\n')).toBe(true);
    expect(text).not.toContain('nopreempt');
  });

  it("the standby differs only in its placement, priority, addresses and master-down timer (keepalived's default, the RFC's 3 adverts)", () => {
    const standby = render({ vmId: uuidOf(72), role: 'standby', priority: 100, vrrpAddress: '198.19.192.2', peerAddress: '198.19.192.1' });
    expect(block(standby, INSTANCE).slice(0, 8)).toEqual([
      'state BACKUP',
      'interface lbv0',
      'virtual_router_id 7',
      'priority 100',
      'advert_int 0.1',
      'unicast_src_ip 198.19.192.2',
      'unicast_peer {',
      '198.19.192.1',
    ]);
  });

  it('degraded (no peer): neither unicast_src_ip nor unicast_peer, which keepalived refuses without peers', () => {
    const text = render({ peerAddress: null });
    expect(text).not.toMatch(/unicast/);
    expect(block(text, INSTANCE).slice(0, 7)).toEqual([
      'state MASTER',
      'down_timer_adverts 1',
      'interface lbv0',
      'virtual_router_id 7',
      'priority 200',
      'advert_int 0.1',
      'virtual_ipaddress {',
    ]);
  });

  it('is deterministic', () => expect(render()).toBe(render()));

  it('refuses invalid input with InvalidRenderInput instead of rendering', () => {
    expect(() => render({ interface: 'lbv0 }\nvrrp_script x {' })).toThrow(InvalidRenderInput);
  });
});
