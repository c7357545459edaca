import { parentPort, workerData } from 'node:worker_threads';
import { AGGREGATES, upcast } from '@lbaas/domain';
import { decodeCommit } from '@lbaas/event-log';
import { buildBulk } from './bulk-build';
import type { FoldWorkerSetup, FromFoldWorker, RawCommit, ToFoldWorker } from './fold-worker-protocol';
import { unpackCommits } from './fold-worker-protocol';
import { type ProjectableCommit, Projector } from './projector';

/**
 * The fold worker (foldInWorker, fold-in-worker.ts): decodes the commits the replay sends, folds
 * them and writes the new file, on a core of its own while the main thread reads the stream.
 */
async function run(port: NonNullable<typeof parentPort>, setup: FoldWorkerSetup): Promise<void> {
  const post = (message: FromFoldWorker) => port.postMessage(message);
  const inbox: ToFoldWorker[] = [];
  let wake: (() => void) | null = null;
  port.on('message', (message: ToFoldWorker) => {
    inbox.push(message);
    wake?.();
  });
  // A message that is not a commit is folded as a commit without events, as the live projection does.
  const decode = (raw: RawCommit): ProjectableCommit => {
    try {
      return { seq: raw.seq, subject: raw.subject, commit: decodeCommit(raw.data) };
    } catch (error) {
      post({ kind: 'undecodable', seq: raw.seq, subject: raw.subject, reason: String(error) });
      return { seq: raw.seq, subject: raw.subject, commit: { commitId: `undecodable-${raw.seq}`, events: [] } };
    }
  };
  async function* commits(): AsyncIterable<ProjectableCommit> {
    for (;;) {
      const message = inbox.shift();
      if (!message) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
        continue;
      }
      if (message.kind === 'end') return;
      for (const raw of unpackCommits(message)) yield decode(raw);
      post({ kind: 'folded' });
    }
  }
  const result = await buildBulk(setup.path, (db) => new Projector(db, { aggregates: AGGREGATES, upcast }), commits(), {
    batchEvents: setup.batchEvents,
    onProgress: (progress) => post({ kind: 'progress', progress }),
  });
  post({ kind: 'done', result });
  port.close();
}

if (parentPort) {
  // A failure rejects here and ends the worker with an error event, which foldInWorker rejects with.
  void run(parentPort, workerData as FoldWorkerSetup);
}
