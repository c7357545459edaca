import { runPlannedService } from '@lbaas/service-health';

void runPlannedService('scheduler', 9700, 4, 'placement of active/standby service instances and node liveness');
