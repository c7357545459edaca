import { Column, Entity, Index, PrimaryColumn, type ValueTransformer } from 'typeorm';

/**
 * PostgreSQL returns `bigint` as a string (it may exceed 2^53); stream sequences and byte
 * counters stay far below that, so they are numbers everywhere.
 */
const bigintAsNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};

/** The last stream sequence a projection has applied, written in the same transaction as its rows. */
@Entity({ name: 'checkpoints' })
export class Checkpoint {
  @PrimaryColumn({ type: 'varchar' })
  projection!: string;

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  position!: number;
}

/** An aggregate's folded state, so a live commit evolves it without re-reading the aggregate's stream. */
@Entity({ name: 'aggregate_states' })
export class AggregateState {
  @PrimaryColumn({ type: 'varchar' })
  aggregate!: string;

  @PrimaryColumn({ type: 'varchar' })
  aggregate_id!: string;

  /** Stream sequence of the last commit folded in. */
  @Column({ type: 'bigint', transformer: bigintAsNumber })
  version!: number;

  /** JSON text, parsed and written by the projector itself so live and rebuilt states round-trip alike. */
  @Column({ type: 'text' })
  state!: string;
}

/**
 * Counters of a pool as the data plane reports them. Not derived from the event log, so a
 * rebuild keeps them; a pool without a row reads as zeros.
 */
@Entity({ name: 'pool_stats' })
export class PoolStats {
  @PrimaryColumn({ type: 'varchar' })
  pool_id!: string;

  @Column({ type: 'bigint', transformer: bigintAsNumber, default: 0 })
  bytes_in!: number;

  @Column({ type: 'bigint', transformer: bigintAsNumber, default: 0 })
  bytes_out!: number;

  @Column({ type: 'bigint', transformer: bigintAsNumber, default: 0 })
  active_connections!: number;

  @Column({ type: 'bigint', transformer: bigintAsNumber, default: 0 })
  total_connections!: number;
}

/**
 * Counters of a v2 listener as the data plane reports them (its frontend's row of `show stat`),
 * kept like `pool_stats`: not derived from the log, so a rebuild keeps them; none reads as zeros.
 */
@Entity({ name: 'listener_stats' })
export class ListenerStats {
  @PrimaryColumn({ type: 'varchar' })
  listener_id!: string;

  @Index('idx_listener_stats_loadbalancer_id')
  @Column({ type: 'varchar' })
  loadbalancer_id!: string;

  @Column({ type: 'bigint', transformer: bigintAsNumber, default: 0 })
  bytes_in!: number;

  @Column({ type: 'bigint', transformer: bigintAsNumber, default: 0 })
  bytes_out!: number;

  @Column({ type: 'bigint', transformer: bigintAsNumber, default: 0 })
  active_connections!: number;

  @Column({ type: 'bigint', transformer: bigintAsNumber, default: 0 })
  total_connections!: number;

  @Column({ type: 'bigint', transformer: bigintAsNumber, default: 0 })
  request_errors!: number;
}
