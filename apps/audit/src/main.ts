import { runPlannedService } from '@lbaas/service-health';

void runPlannedService('audit', 9698, 6, 'the tamper-evident audit trail');
