import { runPlannedService } from '@lbaas/service-health';

// argv[2] is the compute node's name (compute-node-1...); it registers nothing until issue 5.
void runPlannedService({ name: 'node-agent', defaultPort: 9710, issue: 5, what: 'namespaces, VIPs, HAProxy and keepalived on one compute node' });
