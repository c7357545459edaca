import { Controller, Param } from '@nestjs/common';
import { Body, Caller, notFound, type OctaviaCaller, OctaviaEndpoint, PathIds, TargetUrl } from '../http/octavia-input';
import type { OctaviaBodyOf } from '../http/octavia-schemas';
import { OPERATOR_RESOURCES, ZONE_PROFILE_ROUTES as PROFILE, ZONE_ROUTES as ZONE } from '../http/operator-routes';
import { ZONE_NAME_PATTERN } from '../http/operator-schemas';
import { present } from '../commands/octavia-configs';
import { CatalogService } from './catalog-service';

const { zoneProfiles: PROFILES, zones: ZONES } = OPERATOR_RESOURCES;
const ZONE_NAME = new RegExp(ZONE_NAME_PATTERN);

/** A zone is named in its path; a name no zone can have is its 404, and never reaches a query. */
function zoneName(name: string): string {
  if (!ZONE_NAME.test(name)) throw notFound(ZONES.title, name.slice(0, 64));
  return name;
}

/** `/v2/lbaas/availabilityzoneprofiles` (admin) and `/v2/lbaas/availabilityzones` (admins write, everyone reads the enabled ones). */
@Controller()
export class ZonesController {
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
  createProfile(@Body(PROFILE.create) body: OctaviaBodyOf<'createAvailabilityZoneProfile'>, @Caller() caller: OctaviaCaller) {
    const id = this.catalog.newId();
    const profile = { id, name: body.name, providerName: body.provider_name, availabilityZoneData: body.availability_zone_data };
    return this.catalog.write(PROFILES, id, caller, { type: 'CreateAvailabilityZoneProfile', data: { profile } });
  }

  @OctaviaEndpoint(PROFILE.update)
  updateProfile(
    @PathIds(PROFILES.title) { id }: { id: string },
    @Body(PROFILE.update) body: OctaviaBodyOf<'updateAvailabilityZoneProfile'>,
    @Caller() caller: OctaviaCaller,
  ) {
    const changes = present({ name: body.name, providerName: body.provider_name, availabilityZoneData: body.availability_zone_data });
    return this.catalog.write(PROFILES, id, caller, {
      type: 'UpdateAvailabilityZoneProfile',
      data: { availabilityZoneProfileId: id, changes },
    });
  }

  @OctaviaEndpoint(PROFILE.delete)
  async deleteProfile(@PathIds(PROFILES.title) { id }: { id: string }, @Caller() caller: OctaviaCaller): Promise<void> {
    await this.catalog.remove(caller, { type: 'DeleteAvailabilityZoneProfile', data: { availabilityZoneProfileId: id } });
  }

  @OctaviaEndpoint(ZONE.list)
  list(@Caller() caller: OctaviaCaller, @TargetUrl() url: URL) {
    return this.catalog.list(ZONES, caller, url);
  }

  @OctaviaEndpoint(ZONE.show)
  show(@Param('id') name: string, @Caller() caller: OctaviaCaller, @TargetUrl() url: URL) {
    return this.catalog.show(ZONES, zoneName(name), caller, url);
  }

  @OctaviaEndpoint(ZONE.create)
  create(@Body(ZONE.create) body: OctaviaBodyOf<'createAvailabilityZone'>, @Caller() caller: OctaviaCaller) {
    const zone = {
      name: body.name,
      description: body.description ?? '',
      availabilityZoneProfileId: body.availability_zone_profile_id,
      enabled: body.enabled ?? true,
    };
    return this.catalog.write(ZONES, body.name, caller, { type: 'CreateAvailabilityZone', data: { zone } });
  }

  @OctaviaEndpoint(ZONE.update)
  update(@Param('id') name: string, @Body(ZONE.update) body: OctaviaBodyOf<'updateAvailabilityZone'>, @Caller() caller: OctaviaCaller) {
    const changes = present({ description: body.description === null ? '' : body.description, enabled: body.enabled });
    return this.catalog.write(ZONES, zoneName(name), caller, { type: 'UpdateAvailabilityZone', data: { name, changes } });
  }

  @OctaviaEndpoint(ZONE.delete)
  async delete(@Param('id') name: string, @Caller() caller: OctaviaCaller): Promise<void> {
    await this.catalog.remove(caller, { type: 'DeleteAvailabilityZone', data: { name: zoneName(name) } });
  }
}
