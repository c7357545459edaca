import { Controller } from '@nestjs/common';
import { Body, Caller, type OctaviaCaller, OctaviaEndpoint, PathIds, TargetUrl } from '../http/octavia-input';
import type { OctaviaBodyOf } from '../http/octavia-schemas';
import { FLAVOR_PROFILE_ROUTES as PROFILE, FLAVOR_ROUTES as FLAVOR, OPERATOR_RESOURCES } from '../http/operator-routes';
import { present } from '../commands/octavia-configs';
import { CatalogService } from './catalog-service';

const { flavorProfiles: PROFILES, flavors: FLAVORS } = OPERATOR_RESOURCES;
const text = (value: string | null | undefined): string | undefined => (value === null ? '' : value);

/** `/v2/lbaas/flavorprofiles` (admin) and `/v2/lbaas/flavors` (admins write, everyone reads the enabled ones). */
@Controller()
export class FlavorsController {
  constructor(private readonly catalog: CatalogService) {}

  @OctaviaEndpoint(PROFILE.list)
  listProfiles(@Caller() caller: OctaviaCaller, @TargetUrl() url: URL) {
    return this.catalog.list(PROFILES, caller, url);
  }

  @OctaviaEndpoint(PROFILE.show)
  showProfile(@PathIds(PROFILES.title) { id }: { id: string }, @Caller() caller: OctaviaCaller, @TargetUrl() url: URL) {
    return this.catalog.show(PROFILES, id, caller, url);
  }

  @OctaviaEndpoint(PROFILE.create)
  createProfile(@Body(PROFILE.create) body: OctaviaBodyOf<'createFlavorProfile'>, @Caller() caller: OctaviaCaller) {
    const id = this.catalog.newId();
    const profile = { id, name: body.name, providerName: body.provider_name, flavorData: body.flavor_data };
    return this.catalog.write(PROFILES, id, caller, { type: 'CreateFlavorProfile', data: { profile } });
  }

  @OctaviaEndpoint(PROFILE.update)
  updateProfile(
    @PathIds(PROFILES.title) { id }: { id: string },
    @Body(PROFILE.update) body: OctaviaBodyOf<'updateFlavorProfile'>,
    @Caller() caller: OctaviaCaller,
  ) {
    const changes = present({ name: body.name, providerName: body.provider_name, flavorData: body.flavor_data });
    return this.catalog.write(PROFILES, id, caller, { type: 'UpdateFlavorProfile', data: { flavorProfileId: id, changes } });
  }

  @OctaviaEndpoint(PROFILE.delete)
  async deleteProfile(@PathIds(PROFILES.title) { id }: { id: string }, @Caller() caller: OctaviaCaller): Promise<void> {
    await this.catalog.remove(caller, { type: 'DeleteFlavorProfile', data: { flavorProfileId: id } });
  }

  @OctaviaEndpoint(FLAVOR.list)
  list(@Caller() caller: OctaviaCaller, @TargetUrl() url: URL) {
    return this.catalog.list(FLAVORS, caller, url);
  }

  @OctaviaEndpoint(FLAVOR.show)
  show(@PathIds(FLAVORS.title) { id }: { id: string }, @Caller() caller: OctaviaCaller, @TargetUrl() url: URL) {
    return this.catalog.show(FLAVORS, id, caller, url);
  }

  @OctaviaEndpoint(FLAVOR.create)
  create(@Body(FLAVOR.create) body: OctaviaBodyOf<'createFlavor'>, @Caller() caller: OctaviaCaller) {
    const id = this.catalog.newId();
    const flavor = {
      id,
      name: body.name,
      description: body.description ?? '',
      flavorProfileId: body.flavor_profile_id,
      enabled: body.enabled ?? true,
    };
    return this.catalog.write(FLAVORS, id, caller, { type: 'CreateFlavor', data: { flavor } });
  }

  @OctaviaEndpoint(FLAVOR.update)
  update(
    @PathIds(FLAVORS.title) { id }: { id: string },
    @Body(FLAVOR.update) body: OctaviaBodyOf<'updateFlavor'>,
    @Caller() caller: OctaviaCaller,
  ) {
    const changes = present({ name: body.name, description: text(body.description), enabled: body.enabled });
    return this.catalog.write(FLAVORS, id, caller, { type: 'UpdateFlavor', data: { flavorId: id, changes } });
  }

  @OctaviaEndpoint(FLAVOR.delete)
  async delete(@PathIds(FLAVORS.title) { id }: { id: string }, @Caller() caller: OctaviaCaller): Promise<void> {
    await this.catalog.remove(caller, { type: 'DeleteFlavor', data: { flavorId: id } });
  }
}
