import { type QuotaLimits, quotaDefaultsFromSettings } from '@lbaas/domain';
import { natsUrlFromEnv } from '@lbaas/event-log';
import { authModeFromEnv, keystoneTimeoutMsFromEnv, keystoneUrlFromEnv, noAuthTenantFromEnv } from '@lbaas/identity';
import { portFromEnv } from '@lbaas/service-shell';
import { TIMELINE_EVENTS } from './dashboard-model';

export interface DashboardConfig {
  readonly natsUrl: string;
  /** The page and its health checks share one port, the one `make up` gives every service (LBAAS_HEALTH_PORT). */
  readonly host: string;
  readonly port: number;
  /** Which tokens the dashboard takes, as the api (LBAAS_AUTH): named in its start line. */
  readonly authMode: string;
  /** Where the sign-in form's user name and password go for a token (LBAAS_KEYSTONE_URL, without /v3). */
  readonly keystoneUrl: string;
  readonly keystoneTimeoutMs: number;
  readonly logLevel: string;
  /** The quota panel's limit where a project sets none: the api's defaults, from the same settings (LBAAS_QUOTA_*). */
  readonly quotaDefaults: QuotaLimits;
  /** How many of the log's most recent events the timelines are drawn from (LBAAS_DASHBOARD_TIMELINE_EVENTS). */
  readonly timelineEvents: number;
}

function timelineEventsFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env.LBAAS_DASHBOARD_TIMELINE_EVENTS?.trim();
  if (!raw) return TIMELINE_EVENTS;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`LBAAS_DASHBOARD_TIMELINE_EVENTS must be a positive integer, got '${raw}'`);
  return value;
}

export function dashboardConfigFromEnv(env: NodeJS.ProcessEnv = process.env): DashboardConfig {
  return {
    natsUrl: natsUrlFromEnv(env),
    host: env.LBAAS_HEALTH_HOST?.trim() || '127.0.0.1',
    port: portFromEnv(env, 'LBAAS_HEALTH_PORT', 9702),
    authMode: noAuthTenantFromEnv(env) === null ? authModeFromEnv(env) : 'noauth',
    keystoneUrl: keystoneUrlFromEnv(env),
    keystoneTimeoutMs: keystoneTimeoutMsFromEnv(env),
    logLevel: env.LBAAS_LOG_LEVEL?.trim() || 'info',
    quotaDefaults: quotaDefaultsFromSettings(env),
    timelineEvents: timelineEventsFromEnv(env),
  };
}

export const DASHBOARD_CONFIG = Symbol('DASHBOARD_CONFIG');
export const LOGGER = Symbol('LOGGER');
export const AUTHENTICATOR = Symbol('AUTHENTICATOR');
