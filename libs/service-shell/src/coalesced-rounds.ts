/**
 * Runs `round` whenever kicked, one at a time: kicks during a round collapse into one more round
 * after it. For services that react to every event but must never decide on two views at once.
 */
export class CoalescedRounds {
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly round: () => Promise<void>,
    private readonly onError: (error: unknown) => void,
  ) {}

  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.round()
      .catch(this.onError)
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** No round starts after this; resolves when the one in progress has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }
}
