import { runPlannedService } from '@lbaas/service-health';

// The dashboard page will be served by the projections service at :9697; this process keeps
// the dashboard's place in the layout and answers health checks on its own port.
void runPlannedService({ name: 'dashboard', defaultPort: 9702, issue: 6, what: 'the ops web page on the projections' });
