import { Column, Entity, Index, PrimaryColumn, type ValueTransformer } from 'typeorm';

/**
 * PostgreSQL returns `bigint` as a string (it may exceed 2^53); stream sequences stay far below
 * that, so they are numbers on both databases and hash alike.
 */
const bigintAsNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};

/**
 * One event of the stream, as the audit trail keeps it. A commit (one stream message) may hold
 * several events, so the key is the stream sequence with the event's place in the commit: a
 * redelivered message can never be stored twice. Only portable column types (SQLite and PostgreSQL).
 */
@Entity({ name: 'audit_records' })
@Index('audit_records_aggregate_id', ['aggregate_id'])
@Index('audit_records_tenant_id', ['tenant_id'])
@Index('audit_records_occurred_at', ['occurred_at'])
export class AuditRecord {
  @PrimaryColumn({ type: 'bigint', transformer: bigintAsNumber })
  stream_seq!: number;

  @PrimaryColumn({ type: 'integer' })
  event_index!: number;

  @Column({ type: 'varchar' })
  event_id!: string;

  @Column({ type: 'varchar' })
  commit_id!: string;

  @Column({ type: 'varchar' })
  event_type!: string;

  @Column({ type: 'integer' })
  event_version!: number;

  @Column({ type: 'varchar' })
  aggregate!: string;

  @Column({ type: 'varchar' })
  aggregate_id!: string;

  @Column({ type: 'varchar' })
  tenant_id!: string;

  @Column({ type: 'varchar' })
  actor!: string;

  @Column({ type: 'varchar' })
  correlation_id!: string;

  @Column({ type: 'varchar', nullable: true })
  causation_id!: string | null;

  /** ISO 8601 UTC as the command handler stamped it; ISO text sorts as time does. */
  @Column({ type: 'varchar' })
  occurred_at!: string;

  /** ISO 8601 UTC of the stream's own timestamp: when the server stored the commit. */
  @Column({ type: 'varchar' })
  stored_at!: string;

  /** The event's payload as canonical JSON, secrets redacted. */
  @Column({ type: 'text' })
  payload!: string;

  /** sha256 (hex) of the previous record's hash followed by this record's canonical JSON. */
  @Column({ type: 'varchar', length: 64 })
  hash!: string;
}

/** Where the audit trail stands, written in the same transaction as the records it counts. */
@Entity({ name: 'audit_checkpoint' })
export class AuditCheckpoint {
  @PrimaryColumn({ type: 'varchar' })
  name!: string;

  /** The last stream sequence stored. */
  @Column({ type: 'bigint', transformer: bigintAsNumber })
  position!: number;

  /** The hash of the last record: the next record chains from it. */
  @Column({ type: 'varchar', length: 64 })
  head_hash!: string;

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  records!: number;
}

export const AUDIT_ENTITIES = [AuditRecord, AuditCheckpoint];
