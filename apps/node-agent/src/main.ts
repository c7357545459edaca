import { runPlannedService } from '@lbaas/service-health';

void runPlannedService('node-agent', 9710, 5, 'namespaces, VIPs, HAProxy and keepalived on one compute node');
