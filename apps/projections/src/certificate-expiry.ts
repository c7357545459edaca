import { RESOURCE_TABLES, type ReadModelConnections } from '@lbaas/read-models';
import type { ServiceMetrics } from '@lbaas/service-shell';
import { Gauge } from 'prom-client';

/** The provider that registers the gauge when the module starts. */
export const CERTIFICATE_EXPIRY = Symbol('CERTIFICATE_EXPIRY');

/**
 * `lbaas_certificate_not_after_seconds`: when each tenant certificate expires, read from the
 * read model at each scrape. HAProxy keeps serving an expired certificate and clients then refuse
 * it, so the operator's alert is this minus time() falling below the renewal window.
 */
export function registerCertificateExpiry(metrics: ServiceMetrics, connections: ReadModelConnections): void {
  new Gauge({
    name: 'lbaas_certificate_not_after_seconds',
    help: 'When a TLS certificate of a tenant expires (Unix time, seconds), per certificate.',
    labelNames: ['certificate_id', 'tenant_id'],
    registers: [metrics.registry],
    async collect() {
      await connections.readable();
      const rows = await connections.reader
        .getRepository(RESOURCE_TABLES.certificates.entity)
        .find({ select: { id: true, tenant_id: true, not_after: true } });
      // A deleted certificate must stop being reported, not keep its last value.
      this.reset();
      for (const row of rows) {
        const notAfter = Date.parse(String(row.not_after));
        if (Number.isFinite(notAfter)) this.set({ certificate_id: String(row.id), tenant_id: String(row.tenant_id) }, notAfter / 1000);
      }
    },
  });
}
