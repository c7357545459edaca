import { runPlannedService } from '@lbaas/service-health';

void runPlannedService({ name: 'audit', defaultPort: 9698, issue: 6, what: 'the append-only, tamper-evident audit trail' });
