import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import * as sqlite3 from 'sqlite3';
import { Brackets, DataSource, type EntityManager } from 'typeorm';
import { type ChainHead, chainHash, type ChainVerification, GENESIS_HASH, verifyChain } from './audit-chain';
import { AUDIT_ENTITIES, AuditCheckpoint, AuditRecord } from './audit-tables';
import { type AuditedMessage, auditFieldsOf } from './record-mapping';

/** A SQLite file, or a PostgreSQL URL for the same entities. */
export type AuditDatabase = { readonly sqlitePath: string } | { readonly url: string };

/** In the state directory the other services use (`.lbaas/`, beside the read models). */
export const DEFAULT_AUDIT_DB = '.lbaas/audit.sqlite';

/** LBAAS_AUDIT_DB: a SQLite path, or a postgres:// URL; the audit service and the CLI read the same variable. */
export function auditDatabaseFromEnv(env: NodeJS.ProcessEnv = process.env): AuditDatabase {
  const value = env.LBAAS_AUDIT_DB?.trim() || DEFAULT_AUDIT_DB;
  return /^postgres(ql)?:\/\//.test(value) ? { url: value } : { sqlitePath: value };
}

export const describeAuditDatabase = (db: AuditDatabase): string => ('url' in db ? db.url.replace(/\/\/[^@/]*@/, '//***@') : db.sqlitePath);

/** TypeORM switches sqlite3 into verbose mode, which makes every statement several times slower. */
const quietSqlite = { ...sqlite3, verbose: () => sqlite3 };

const CHECKPOINT = 'audit';
/** Rows per INSERT: 16 columns each stays under SQLite's 999 bound variables. */
const INSERT_CHUNK = 60;
const VERIFY_PAGE = 1000;

export interface AuditQuery {
  /** Events of the aggregate with this id, and events whose payload names it (a member, a port's owner). */
  readonly object?: string;
  readonly tenant?: string;
  /** ISO 8601 UTC: events that occurred at or after it. */
  readonly since?: string;
}

export interface OpenOptions {
  /** The CLI: no schema changes, no file created where there is none. */
  readonly readOnly?: boolean;
}

const likeLiteral = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The append-only audit trail: records chained by hash, appended in stream order with the
 * checkpoint in the same transaction, so a crash loses nothing and a redelivery adds nothing.
 */
export class AuditStore {
  private constructor(private readonly db: DataSource) {}

  static async open(database: AuditDatabase, options: OpenOptions = {}): Promise<AuditStore> {
    const readOnly = options.readOnly ?? false;
    const common = { entities: AUDIT_ENTITIES, synchronize: !readOnly, logging: false } as const;
    let source: DataSource;
    if ('url' in database) {
      source = new DataSource({ ...common, type: 'postgres', url: database.url });
    } else {
      const { sqlitePath } = database;
      if (sqlitePath !== ':memory:') {
        if (readOnly && !existsSync(sqlitePath)) throw new Error('no such file (LBAAS_AUDIT_DB names it; the audit service creates it)');
        mkdirSync(dirname(sqlitePath), { recursive: true });
      }
      source = new DataSource({
        ...common,
        type: 'sqlite',
        driver: quietSqlite,
        database: sqlitePath,
        enableWAL: !readOnly && sqlitePath !== ':memory:',
        busyTimeout: 10_000,
      });
    }
    await source.initialize();
    // In WAL mode NORMAL loses no commit when the process dies, only on power loss, and then the
    // checkpoint goes with the records: the subscriber resumes from what the file really holds.
    if (!readOnly && 'sqlitePath' in database && database.sqlitePath !== ':memory:') await source.query('PRAGMA synchronous = NORMAL');
    return new AuditStore(source);
  }

  async head(): Promise<ChainHead | null> {
    return headIn(this.db.manager);
  }

  /**
   * Stores the records of `messages` (in stream order) after the checkpoint, and the new
   * checkpoint, in one transaction. Messages at or before the checkpoint are already stored: no-op.
   */
  append(messages: readonly AuditedMessage[]): Promise<ChainHead> {
    return this.db.transaction(async (tx) => {
      const before = (await headIn(tx)) ?? { position: 0, head_hash: GENESIS_HASH, records: 0 };
      const fresh = messages.filter((m) => m.seq > before.position);
      if (fresh.length === 0) return before;
      let position = before.position;
      let hash = before.head_hash;
      const rows: AuditRecord[] = [];
      for (const message of fresh) {
        if (message.seq <= position)
          throw new Error(`stream sequence ${message.seq} arrived after ${position}: messages must come in stream order`);
        position = message.seq;
        for (const fields of auditFieldsOf(message)) {
          hash = chainHash(hash, fields);
          rows.push(tx.create(AuditRecord, { ...fields, hash }));
        }
      }
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) await tx.insert(AuditRecord, rows.slice(i, i + INSERT_CHUNK));
      const after = { position, head_hash: hash, records: before.records + rows.length };
      await tx.save(AuditCheckpoint, { name: CHECKPOINT, ...after });
      return after;
    });
  }

  /** The records matching every given filter, in stream order. */
  find(query: AuditQuery): Promise<AuditRecord[]> {
    const q = this.db.manager.createQueryBuilder(AuditRecord, 'r').orderBy('r.stream_seq', 'ASC').addOrderBy('r.event_index', 'ASC');
    if (query.object !== undefined) {
      const object = query.object;
      q.andWhere(
        new Brackets((either) =>
          either
            .where('r.aggregate_id = :object', { object })
            .orWhere("r.payload LIKE :named ESCAPE '\\'", { named: `%${likeLiteral(JSON.stringify(object))}%` }),
        ),
      );
    }
    if (query.tenant !== undefined) q.andWhere('r.tenant_id = :tenant', { tenant: query.tenant });
    if (query.since !== undefined) q.andWhere('r.occurred_at >= :since', { since: query.since });
    return q.getMany();
  }

  /** Recomputes the whole chain from the first record, a page at a time. */
  async verify(): Promise<ChainVerification> {
    return verifyChain(this.pages(), await this.head());
  }

  private async *pages(): AsyncIterable<AuditRecord> {
    let after: { seq: number; index: number } | null = null;
    for (;;) {
      const q = this.db.manager
        .createQueryBuilder(AuditRecord, 'r')
        .orderBy('r.stream_seq', 'ASC')
        .addOrderBy('r.event_index', 'ASC')
        .limit(VERIFY_PAGE);
      if (after) {
        const { seq, index } = after;
        q.where(
          new Brackets((page) =>
            page.where('r.stream_seq > :seq', { seq }).orWhere('r.stream_seq = :seq AND r.event_index > :index', { seq, index }),
          ),
        );
      }
      const page = await q.getMany();
      yield* page;
      if (page.length < VERIFY_PAGE) return;
      const last = page[page.length - 1];
      after = { seq: last.stream_seq, index: last.event_index };
    }
  }

  async close(): Promise<void> {
    if (this.db.isInitialized) await this.db.destroy();
  }
}

async function headIn(manager: EntityManager): Promise<ChainHead | null> {
  const row = await manager.findOneBy(AuditCheckpoint, { name: CHECKPOINT });
  return row ? { position: row.position, head_hash: row.head_hash, records: row.records } : null;
}
