import { RESOURCE_TABLES } from '@lbaas/read-models';
import type { ServiceMetrics } from '@lbaas/service-shell';
import { Gauge } from 'prom-client';
import type { DataSource } from 'typeorm';

/** The provider that registers the gauge when the module starts. */
export const CERTIFICATE_EXPIRY = Symbol('CERTIFICATE_EXPIRY');

/**
 * `lbaas_certificate_not_after_seconds`: when each tenant certificate expires, read from the
 * read model at each scrape. HAProxy keeps serving an expired certificate and clients then refuse
 * it, so the operator's alert is this minus time() falling below the renewal window.
 */
export function registerCertificateExpiry(metrics: ServiceMetrics, reader: DataSource): void {
  new Gauge({
    name: 'lbaas_certificate_not_after_seconds',
    help: 'When a TLS certificate of a tenant expires (Unix time, seconds), per certificate.',
    labelNames: ['certificate_id', 'tenant_id'],
    registers: [metrics.registry],
    async collect() {
      const rows = await reader
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
