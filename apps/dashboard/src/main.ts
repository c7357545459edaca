import { runPlannedService } from '@lbaas/service-health';

void runPlannedService('dashboard', 9702, 6, 'the ops web page on the projections');
