import { Controller } from '@nestjs/common';
import { ChildCommands } from '../commands/child-commands';
import { Body, Caller, type OctaviaCaller, OctaviaEndpoint, PathIds, TargetUrl } from '../http/octavia-input';
import { MEMBER_ROUTES as ROUTE, OCTAVIA_RESOURCES } from '../http/octavia-routes';
import type { OctaviaBodyOf } from '../http/octavia-schemas';
import { OctaviaReads, projected } from '../octavia-reads';
import { fieldsOf } from '../http/octavia-query';

const MEMBER = OCTAVIA_RESOURCES.members;
type MemberPath = { pool_id: string; id: string };

/** `/v2/lbaas/pools/{pool_id}/members`, and the batch replace of a pool's members. */
@Controller()
export class MembersController {
  constructor(
    private readonly commands: ChildCommands,
    private readonly reads: OctaviaReads,
  ) {}

  @OctaviaEndpoint(ROUTE.list)
  list(@PathIds(MEMBER.title) { pool_id }: MemberPath, @Caller() caller: OctaviaCaller, @TargetUrl() url: URL) {
    return this.reads.members(pool_id, caller.principal, url);
  }

  @OctaviaEndpoint(ROUTE.show)
  async show(@PathIds(MEMBER.title) { pool_id, id }: MemberPath, @Caller() caller: OctaviaCaller, @TargetUrl() url: URL) {
    const row = await this.reads.member(pool_id, id, caller.principal, 'os_load-balancer_api:member:get_one');
    return { member: projected(row, fieldsOf(url.searchParams)) };
  }

  @OctaviaEndpoint(ROUTE.create)
  async create(
    @PathIds(MEMBER.title) { pool_id }: MemberPath,
    @Body(ROUTE.create) body: OctaviaBodyOf<'createMember'>,
    @Caller() caller: OctaviaCaller,
  ) {
    return { member: (await this.commands.createMember(caller, pool_id, body)).resource };
  }

  @OctaviaEndpoint(ROUTE.batch)
  async replace(
    @PathIds(MEMBER.title) { pool_id }: MemberPath,
    @Body(ROUTE.batch) body: OctaviaBodyOf<'replaceMembers'>,
    @Caller() caller: OctaviaCaller,
    @TargetUrl() url: URL,
  ): Promise<void> {
    await this.commands.replaceMembers(caller, pool_id, body, /^(true|1)$/i.test(url.searchParams.get('additive_only') ?? ''));
  }

  @OctaviaEndpoint(ROUTE.update)
  async update(
    @PathIds(MEMBER.title) { pool_id, id }: MemberPath,
    @Body(ROUTE.update) body: OctaviaBodyOf<'updateMember'>,
    @Caller() caller: OctaviaCaller,
  ) {
    return { member: (await this.commands.updateMember(caller, pool_id, id, body)).resource };
  }

  @OctaviaEndpoint(ROUTE.delete)
  async delete(@PathIds(MEMBER.title) { pool_id, id }: MemberPath, @Caller() caller: OctaviaCaller): Promise<void> {
    await this.commands.deleteMember(caller, pool_id, id);
  }
}
