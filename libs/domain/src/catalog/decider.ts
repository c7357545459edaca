import type { Decider } from '../decider';
import type { CatalogCommand } from './commands';
import { decideCatalog } from './decide';
import type { CatalogEvent } from './events';
import { evolveCatalog } from './evolve';
import { type CatalogState, initialCatalogState } from './state';
import { catalogViews } from './views';

export const catalogDecider: Decider<CatalogCommand, CatalogState, CatalogEvent, 'catalog'> = {
  aggregate: 'catalog',
  initialState: initialCatalogState,
  decide: decideCatalog,
  evolve: evolveCatalog,
  views: catalogViews,
};
