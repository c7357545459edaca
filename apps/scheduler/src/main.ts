import { runPlannedService } from '@lbaas/service-health';

void runPlannedService({ name: 'scheduler', defaultPort: 9700, issue: 4, what: 'placement of active/standby service instances, node liveness, failover' });
