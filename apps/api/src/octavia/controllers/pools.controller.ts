import { Controller } from '@nestjs/common';
import { ChildCommands } from '../commands/child-commands';
import { Body, Caller, type OctaviaCaller, OctaviaEndpoint, PathIds, TargetUrl } from '../http/octavia-input';
import { OCTAVIA_RESOURCES, POOL_ROUTES as ROUTE } from '../http/octavia-routes';
import type { OctaviaBodyOf } from '../http/octavia-schemas';
import { OctaviaReads } from '../octavia-reads';

const POOL = OCTAVIA_RESOURCES.pools;

/** `/v2/lbaas/pools`. */
@Controller()
export class PoolsController {
  constructor(
    private readonly commands: ChildCommands,
    private readonly reads: OctaviaReads,
  ) {}

  @OctaviaEndpoint(ROUTE.list)
  list(@Caller() caller: OctaviaCaller, @TargetUrl() url: URL) {
    return this.reads.list(POOL, caller.principal, url);
  }

  @OctaviaEndpoint(ROUTE.show)
  show(@PathIds(POOL.title) { id }: { id: string }, @Caller() caller: OctaviaCaller, @TargetUrl() url: URL) {
    return this.reads.show(POOL, id, caller.principal, url);
  }

  @OctaviaEndpoint(ROUTE.create)
  async create(@Body(ROUTE.create) body: OctaviaBodyOf<'createPool'>, @Caller() caller: OctaviaCaller) {
    return { pool: (await this.commands.createPool(caller, body)).resource };
  }

  @OctaviaEndpoint(ROUTE.update)
  async update(
    @PathIds(POOL.title) { id }: { id: string },
    @Body(ROUTE.update) body: OctaviaBodyOf<'updatePool'>,
    @Caller() caller: OctaviaCaller,
  ) {
    return { pool: (await this.commands.updatePool(caller, id, body)).resource };
  }

  @OctaviaEndpoint(ROUTE.delete)
  async delete(@PathIds(POOL.title) { id }: { id: string }, @Caller() caller: OctaviaCaller): Promise<void> {
    await this.commands.deletePool(caller, id);
  }
}
