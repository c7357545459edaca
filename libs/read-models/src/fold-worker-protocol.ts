import type { RebuildProgress } from './projector';

/** A commit as the stream stores it: not yet decoded. */
export interface RawCommit {
  readonly seq: number;
  readonly subject: string;
  readonly data: Uint8Array;
}

/** What the fold worker is started with (`workerData`). */
export interface FoldWorkerSetup {
  /** The new SQLite file it builds. */
  readonly path: string;
  readonly batchEvents?: number;
}

/**
 * Commits in one message: their bytes end to end in one buffer, moved to the worker rather than
 * copied; commit i is `data[ends[i-1] .. ends[i])`.
 */
export interface RawCommitsMessage {
  readonly kind: 'commits';
  readonly seqs: readonly number[];
  readonly subjects: readonly string[];
  readonly ends: readonly number[];
  readonly data: ArrayBuffer;
}

export type ToFoldWorker = RawCommitsMessage | { readonly kind: 'end' };

export type FromFoldWorker =
  /** A message's commits are folded: the replay may send another. */
  | { readonly kind: 'folded' }
  | { readonly kind: 'progress'; readonly progress: RebuildProgress }
  | { readonly kind: 'undecodable'; readonly seq: number; readonly subject: string; readonly reason: string }
  /** The rows are written and the file closed. */
  | { readonly kind: 'done'; readonly result: RebuildProgress };

/** Packs commits into one message whose buffer can be transferred. */
export function packCommits(commits: readonly RawCommit[]): RawCommitsMessage {
  let size = 0;
  for (const commit of commits) size += commit.data.byteLength;
  const data = new Uint8Array(size);
  const ends: number[] = [];
  let at = 0;
  for (const commit of commits) {
    data.set(commit.data, at);
    at += commit.data.byteLength;
    ends.push(at);
  }
  return {
    kind: 'commits',
    seqs: commits.map((commit) => commit.seq),
    subjects: commits.map((commit) => commit.subject),
    ends,
    data: data.buffer,
  };
}

export function* unpackCommits(message: RawCommitsMessage): Generator<RawCommit> {
  const data = new Uint8Array(message.data);
  let start = 0;
  for (const [i, end] of message.ends.entries()) {
    yield { seq: message.seqs[i], subject: message.subjects[i], data: data.subarray(start, end) };
    start = end;
  }
}
