import { Inject, Injectable } from '@nestjs/common';
import { CATALOG_ID, type CatalogCommand, catalogDecider } from '@lbaas/domain';
import { allows } from '@lbaas/identity';
import { notFound, type OctaviaCaller } from '../http/octavia-input';
import { octaviaListQuery, pageLinks } from '../http/octavia-query';
import type { OperatorResource } from '../http/operator-routes';
import { projected } from '../octavia-reads';
import { OCTAVIA_SHARED, type OctaviaShared } from '../octavia-shared';

type Row = Record<string, unknown>;

/** A zone is shown by its name only: the read model's `id` (the name again) is left out. */
const shown = (resource: OperatorResource, row: Row): Row => {
  if (resource.collection !== 'availability_zones') return row;
  const { id: _id, ...zone } = row;
  return zone;
};

/**
 * The operator's catalog on the v2 edge: every write decided on the catalog's one stream, every
 * read from the read model. Flavors and zones are everyone's to read, enabled ones only unless the
 * caller may create them (an admin); profiles are admins' (the route's rule).
 */
@Injectable()
export class CatalogService {
  constructor(@Inject(OCTAVIA_SHARED) private readonly shared: OctaviaShared) {}

  async list(resource: OperatorResource, caller: OctaviaCaller, url: URL): Promise<Row> {
    const query = octaviaListQuery(url.searchParams);
    // These objects have no creation time: by name unless the client sorts.
    const sort = query.sort.some((s) => s.key === 'created_at') ? [{ key: 'name', dir: 'asc' as const }] : query.sort;
    const filters = this.onlyEnabled(resource, caller) ? { ...query.filters, enabled: ['true'] } : query.filters;
    const { items, ids, more } = await this.shared.queries.list(resource.collection, null, { ...query, sort, filters });
    return {
      [resource.plural]: items.map((row) => shown(resource, row)),
      [`${resource.plural}_links`]: pageLinks(url, query.page, ids, more),
    };
  }

  async show(resource: OperatorResource, id: string, caller: OctaviaCaller, url: URL): Promise<Row> {
    const row = await this.shared.queries.get(resource.collection, id);
    if (row === null || (this.onlyEnabled(resource, caller) && row.enabled !== true)) throw notFound(resource.title, id);
    return { [resource.singular]: projected(shown(resource, row), octaviaListQuery(url.searchParams).fields) };
  }

  /** Decides on the catalog's stream and answers with the object as the new state shows it (read your writes). */
  async write(resource: OperatorResource, id: string, caller: OctaviaCaller, command: CatalogCommand): Promise<Row> {
    const run = this.shared.runs.begin(caller.ctx);
    const out = await run.execute(catalogDecider, CATALOG_ID, () => command, { scoped: false });
    this.shared.progress.note(run.seq);
    const rows: readonly object[] = catalogDecider.views(out.state)[resource.collection] ?? [];
    const row = rows.find((r): r is Row => (r as Row).id === id);
    if (row === undefined) throw notFound(resource.title, id);
    return { [resource.singular]: shown(resource, row) };
  }

  async remove(caller: OctaviaCaller, command: CatalogCommand): Promise<void> {
    const run = this.shared.runs.begin(caller.ctx);
    await run.execute(catalogDecider, CATALOG_ID, () => command, { scoped: false });
    this.shared.progress.note(run.seq);
  }

  newId(): string {
    return this.shared.runs.env.newId();
  }

  private onlyEnabled(resource: OperatorResource, caller: OctaviaCaller): boolean {
    return (
      (resource.policy === 'flavor' || resource.policy === 'availability-zone') &&
      !allows(caller.principal, `os_load-balancer_api:${resource.policy}:post`)
    );
  }
}
