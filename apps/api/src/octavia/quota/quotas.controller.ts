import { Controller, Param } from '@nestjs/common';
import { Body, Caller, type OctaviaCaller, OctaviaEndpoint, TargetUrl } from '../http/octavia-input';
import type { OctaviaBodyOf } from '../http/octavia-schemas';
import { QUOTA_ROUTES as ROUTE } from '../http/operator-routes';
import { QuotaService } from './quota-service';

/** `/v2/lbaas/quotas`: Octavia's per-project limits, the defaults, and DELETE back to them. */
@Controller()
export class QuotasController {
  constructor(private readonly quotas: QuotaService) {}

  @OctaviaEndpoint(ROUTE.list)
  list(@Caller() caller: OctaviaCaller, @TargetUrl() url: URL) {
    return this.quotas.list(caller, url);
  }

  @OctaviaEndpoint(ROUTE.defaults)
  defaults() {
    return this.quotas.defaults();
  }

  @OctaviaEndpoint(ROUTE.show)
  show(@Param('project_id') projectId: string, @Caller() caller: OctaviaCaller) {
    return this.quotas.show(caller, projectId);
  }

  @OctaviaEndpoint(ROUTE.update)
  update(@Param('project_id') projectId: string, @Body(ROUTE.update) body: OctaviaBodyOf<'updateQuota'>, @Caller() caller: OctaviaCaller) {
    return this.quotas.update(caller, projectId, body);
  }

  @OctaviaEndpoint(ROUTE.delete)
  async reset(@Param('project_id') projectId: string, @Caller() caller: OctaviaCaller): Promise<void> {
    await this.quotas.reset(caller, projectId);
  }
}
