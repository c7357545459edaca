import { type Stack, startStack } from '@lbaas/testing';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** Debian's python3 (the one python3-neutronclient installs into), not whatever python3 is first on PATH. */
const PYTHON = '/usr/bin/python3';
const run = promisify(execFile);

interface Rejection {
  class: string;
  status: number;
  message: string;
}
type Row = Record<string, unknown>;
interface WorkflowResult {
  associate: Row;
  pool_with_monitor: Row;
  fip_associated: Row;
  vip: Row;
  stats: { stats: Row };
  list_pools_by_name: string[];
  list_members_of_pool: string[];
  list_vips: string[];
  list_monitors: string[];
  list_networks_by_name: string[];
  list_subnets: string[];
  list_ports: string[];
  list_floatingips: (string | null)[];
  show_member: Row;
  show_vip: Row;
  show_monitor: Row;
  show_network: Row;
  show_subnet: Row;
  show_port: Row;
  show_floatingip: Row;
  update_pool: Row;
  update_member: Row;
  update_vip: Row;
  update_monitor: Row;
  update_network: Row;
  update_subnet: Row;
  rejections: Record<string, Rejection | null>;
  extensions: string[];
  lbaas_extension: string;
  left_after_deletes: Record<string, number>;
}

describe('the real python-neutronclient drives the API unchanged', () => {
  let stack: Stack;
  let result: WorkflowResult;

  beforeAll(async () => {
    if (!existsSync('/usr/lib/python3/dist-packages/neutronclient')) {
      throw new Error('python3-neutronclient is not installed: `make test` installs it (scripts/install-deps.sh --test)');
    }
    stack = await startStack();
    const { stdout } = await run(
      PYTHON,
      [join(__dirname, 'neutron_workflow.py'), stack.apiUrl, stack.tokens.demo.token, stack.tokens.admin.token],
      { timeout: 120_000 },
    );
    result = JSON.parse(stdout) as WorkflowResult;
  });
  afterAll(() => stack?.stop());

  it('creates the seed objects and associates the monitor and the floating IP', () => {
    expect(result.associate).toEqual({ health_monitor: {} });
    expect(result.pool_with_monitor.health_monitors).toHaveLength(1);
    expect(result.fip_associated.port_id).toBe(result.vip.port_id);
    expect(result.fip_associated.fixed_ip_address).toBe(result.vip.address);
    expect(result.stats).toEqual({ stats: { bytes_in: 0, bytes_out: 0, active_connections: 0, total_connections: 0 } });
  });

  it('lists with filters, including repeated values', () => {
    expect(result.list_pools_by_name).toHaveLength(1);
    expect(result.list_members_of_pool).toEqual(['198.18.2.11', '198.18.2.12']);
    expect(result.list_vips).toEqual([result.vip.id]);
    expect(result.list_monitors).toHaveLength(1);
    expect(result.list_networks_by_name.sort()).toEqual(['poolnet', 'vipnet']);
    expect(result.list_subnets).toEqual(['198.18.1.0/24', '198.18.2.0/24', '198.19.0.0/24']);
    expect(result.list_ports).toEqual(['neutron:LOADBALANCER']);
    expect(result.list_floatingips).toEqual([result.vip.port_id]);
  });

  it('shows and updates every kind of object', () => {
    expect(result.show_member.address).toBe('198.18.2.11');
    expect(result.show_vip.id).toBe(result.vip.id);
    expect(result.show_port.device_id).toBe(result.vip.id);
    expect(result.show_floatingip.port_id).toBe(result.vip.port_id);
    expect(result.update_pool.lb_method).toBe('LEAST_CONNECTIONS');
    expect(result.update_member.weight).toBe(3);
    expect(result.update_vip.connection_limit).toBe(1000);
    expect(result.update_monitor.max_retries).toBe(5);
    expect(result.update_network.name).toBe('vipnet2');
    expect(result.update_subnet.name).toBe('vipsubnet2');
  });

  it('surfaces rejections as the client exceptions with the right status codes and types', () => {
    const r = result.rejections;
    expect(r.pool_in_use).toMatchObject({ class: 'Conflict', status: 409 });
    expect(r.pool_in_use?.message).toMatch(/still in use/);
    expect(r.missing_pool).toMatchObject({ class: 'NotFound', status: 404 });
    expect(r.invalid_monitor).toMatchObject({ class: 'BadRequest', status: 400 });
    expect(r.network_in_use).toMatchObject({ class: 'NetworkInUseClient', status: 409 });
    expect(r.missing_network).toMatchObject({ class: 'NetworkNotFoundClient', status: 404 });
    expect(r.address_in_use).toMatchObject({ class: 'Conflict', status: 409 });
    expect(r.other_tenant).toMatchObject({ class: 'NotFound', status: 404 });
  });

  it('finds the LBaaS extension, and the deletes leave nothing behind', () => {
    expect(result.extensions).toContain('lbaas');
    expect(result.lbaas_extension).toBe('lbaas');
    expect(result.left_after_deletes).toEqual({ pools: 0, members: 0, vips: 0, health_monitors: 0, floatingips: 0, ports: 0, subnets: 0 });
  });
});
