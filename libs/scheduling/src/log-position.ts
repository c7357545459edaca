/**
 * Where a fold of the event log stands: the stream sequence of the latest commit and the ids of
 * its events seen so far. The log is delivered in order, so an event at an earlier sequence, or
 * one of the latest commit's seen already, is a redelivery; what it holds is one commit's ids.
 */
export class LogPosition {
  private seq = 0;
  private readonly idsAtSeq = new Set<string>();

  /** True the first time an event is seen, false when it is delivered again. */
  first(seq: number, eventId: string): boolean {
    if (seq < this.seq) return false;
    if (seq > this.seq) {
      this.seq = seq;
      this.idsAtSeq.clear();
    }
    if (this.idsAtSeq.has(eventId)) return false;
    this.idsAtSeq.add(eventId);
    return true;
  }
}
