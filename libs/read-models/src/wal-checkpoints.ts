import * as sqlite3 from 'sqlite3';

/** How often the write-ahead log is copied into the file: it grows by a few MB a second at most under load. */
const CHECKPOINT_EVERY_MS = 500;

/**
 * Copies the write-ahead log into the database file on a connection of its own, so that the
 * projector's commits never do it. SQLite otherwise checkpoints inside the commit that fills the
 * log past 1000 pages, and with the fsyncs of NORMAL synchronisation that commit, and every one
 * queued behind it, waited hundreds of milliseconds: the tail of the live lag. A PASSIVE
 * checkpoint blocks neither the writer nor the readers; the writer starts the log over once a
 * checkpoint has copied all of it, so it stays bounded.
 */
export class WalCheckpoints {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();

  private constructor(private readonly db: sqlite3.Database) {}

  /** Opens the connection and checkpoints every CHECKPOINT_EVERY_MS until `close`. */
  static async start(path: string): Promise<WalCheckpoints> {
    const db = await new Promise<sqlite3.Database>((resolve, reject) => {
      const opened: sqlite3.Database = new sqlite3.Database(path, sqlite3.OPEN_READWRITE, (error) =>
        error ? reject(error) : resolve(opened),
      );
    });
    db.configure('busyTimeout', 10_000);
    const checkpoints = new WalCheckpoints(db);
    checkpoints.timer = setInterval(() => checkpoints.checkpoint(), CHECKPOINT_EVERY_MS);
    // The projections service stops by its own shutdown, not because this timer is pending.
    checkpoints.timer.unref();
    return checkpoints;
  }

  /** The writer leaves checkpoints to this connection: run on the writer's connection after it opens. */
  static readonly WRITER_PRAGMA = 'PRAGMA wal_autocheckpoint = 0';

  private checkpoint(): void {
    this.running = this.running.then(
      () =>
        new Promise<void>((resolve) => {
          // A failed checkpoint (the file busy past the timeout) is retried by the next one.
          this.db.run('PRAGMA wal_checkpoint(PASSIVE)', () => resolve());
        }),
    );
  }

  /** Stops checkpointing and closes the connection; whoever closes the file last checkpoints what is left. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
    await new Promise<void>((resolve, reject) => this.db.close((error) => (error ? reject(error) : resolve())));
  }
}
