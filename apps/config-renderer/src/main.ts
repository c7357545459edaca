import { runPlannedService } from '@lbaas/service-health';

void runPlannedService('config-renderer', 9701, 4, 'rendering and checking haproxy.cfg and keepalived.conf');
