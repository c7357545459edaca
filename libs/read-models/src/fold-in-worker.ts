import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { type FoldWorkerSetup, type FromFoldWorker, packCommits, type RawCommit, type ToFoldWorker } from './fold-worker-protocol';
import type { RebuildOptions, RebuildProgress } from './projector';

/** Commits per message to the worker: few enough messages that posting costs nothing, small enough to keep both threads busy. */
const COMMITS_PER_MESSAGE = 1000;
/** Messages the worker may have to fold before the replay reads on: a bound on what waits in memory. */
const MESSAGES_IN_FLIGHT = 8;

export interface FoldInWorkerOptions extends RebuildOptions {
  /** A commit the worker could not decode: folded as a commit without events, as the live projection does. */
  readonly onUndecodable?: (seq: number, subject: string, reason: string) => void;
}

/**
 * The bulk of a rebuild (buildBulk) in a worker thread: this thread reads the stream and hands the
 * commits' bytes over as they come, the worker decodes, folds and writes the new file at `path` on
 * the other core. Resolves when the file is written and closed; rejects, with the worker ended,
 * if either side fails.
 */
export async function foldInWorker(
  path: string,
  replay: AsyncIterable<RawCommit>,
  options: FoldInWorkerOptions,
  /** The compiled worker: beside this module, where the specs (run from the sources) name the built one. */
  workerFile = join(__dirname, 'fold-worker.js'),
): Promise<RebuildProgress> {
  const setup: FoldWorkerSetup = { path, batchEvents: options.batchEvents };
  const worker = new Worker(workerFile, { workerData: setup });
  let inFlight = 0;
  let freed: (() => void) | null = null;
  const outcome = new Promise<RebuildProgress>((resolve, reject) => {
    worker.on('message', (message: FromFoldWorker) => {
      if (message.kind === 'folded') {
        inFlight--;
        freed?.();
      } else if (message.kind === 'progress') options.onProgress?.(message.progress);
      else if (message.kind === 'undecodable') options.onUndecodable?.(message.seq, message.subject, message.reason);
      else resolve(message.result);
    });
    worker.on('error', reject);
    worker.on('exit', (code) => reject(new Error(`the rebuild's fold worker exited (${code}) before it had written the file`)));
  });
  // Its failure is awaited below, or surfaces while the replay waits for room.
  outcome.catch(() => undefined);
  const send = async (commits: RawCommit[]): Promise<void> => {
    while (inFlight >= MESSAGES_IN_FLIGHT) await Promise.race([new Promise<void>((resolve) => (freed = resolve)), outcome]);
    freed = null;
    const message: ToFoldWorker = packCommits(commits);
    inFlight++;
    worker.postMessage(message, [message.data]);
  };
  try {
    let batch: RawCommit[] = [];
    for await (const commit of replay) {
      batch.push(commit);
      if (batch.length >= COMMITS_PER_MESSAGE) {
        await send(batch);
        batch = [];
      }
    }
    if (batch.length > 0) await send(batch);
    const end: ToFoldWorker = { kind: 'end' };
    worker.postMessage(end);
    return await outcome;
  } finally {
    await worker.terminate();
  }
}
