import { runPlannedService } from '@lbaas/service-health';

void runPlannedService({ name: 'config-renderer', defaultPort: 9701, issue: 4, what: 'rendering and checking haproxy.cfg and keepalived.conf' });
