import { Injectable } from '@nestjs/common';
import type { Deleted, Written } from '../commands/request-context';
import { WriteProgress } from '../read-side';

/** A write's answer in Neutron's envelope; every write's sequence is noted first, so the caller's next read waits for it. */
@Injectable()
export class WriteAnswers {
  constructor(private readonly progress: WriteProgress) {}

  envelope<K extends string, R>(key: K, written: Written<R>): Record<K, R> {
    this.progress.note(written.seq);
    return { [key]: written.resource } as Record<K, R>;
  }

  done(deleted: Deleted): void {
    this.progress.note(deleted.seq);
  }
}
