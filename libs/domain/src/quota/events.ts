import type { DomainEvent } from '../envelope';
import type { QuotaClaim, QuotaOverrides, ReservedClaim } from './model';

/** The project's own limits from now on (the whole set: a resource left out takes the default). */
export type QuotaSet = DomainEvent<'QuotaSet', 1, { projectId: string; limits: QuotaOverrides }>;
/** Every limit of the project is the deployment's default again. */
export type QuotaReset = DomainEvent<'QuotaReset', 1, { projectId: string }>;
/** Version 1: claims without their load balancer, no time of its own (upcast from the envelope's). */
export type QuotaReservedV1 = DomainEvent<'QuotaReserved', 1, { projectId: string; claims: QuotaClaim[] }>;
/** Objects counted against the project's limits, before they are created: each with its load balancer, all at `at`. */
export type QuotaReserved = DomainEvent<'QuotaReserved', 2, { projectId: string; at: string; claims: ReservedClaim[] }>;
/** Objects no longer counted: deleted, or their create was refused after the reservation. */
export type QuotaReleased = DomainEvent<'QuotaReleased', 1, { projectId: string; claims: QuotaClaim[] }>;

export type QuotaEvent = QuotaSet | QuotaReset | QuotaReserved | QuotaReleased;
