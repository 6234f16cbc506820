/**
 * When the checkpointer copies the write-ahead log into the database file (docs/decisions/0029):
 * in the first quiet moment after a commit, so that the copy and its flush to disk never run while
 * somebody's submit is committing; and, while commits never stop (a sync pull, a bulk load), at the
 * latest `forceMs` after the first commit it has not copied, so the log stays small. A checkpoint
 * that failed (a full disk) is tried again after `retryMs`, not at every tick.
 *
 * Pure: the checkpointer thread gives it the time and its connection's `PRAGMA data_version`, which
 * changes whenever another connection commits.
 */
export interface CheckpointTiming {
  /** How often the checkpointer looks; one whole tick with no commit is a quiet moment. */
  tickMs: number;
  /** Commits waiting this long are copied even if the desk never falls quiet. */
  forceMs: number;
  /** After a failed checkpoint, the next try waits this long. */
  retryMs: number;
}

export const CHECKPOINT_TIMING: CheckpointTiming = { tickMs: 250, forceMs: 5_000, retryMs: 5_000 };

export class CheckpointPolicy {
  private lastVersion: number | null = null;
  /** When the oldest commit not yet copied was first seen; null when the log holds nothing new. */
  private waitingSince: number | null;
  private notBefore = 0;

  /** `startedAt`: a desk may open with a log a crash left behind, so the first quiet moment copies it. */
  constructor(
    private readonly timing: Pick<CheckpointTiming, 'forceMs' | 'retryMs'>,
    startedAt: number,
  ) {
    this.waitingSince = startedAt;
  }

  /** One tick: true when the checkpointer should checkpoint now. */
  tick(now: number, dataVersion: number): boolean {
    const committed = this.lastVersion !== null && dataVersion !== this.lastVersion;
    this.lastVersion = dataVersion;
    if (committed) this.waitingSince ??= now;
    if (this.waitingSince === null || now < this.notBefore) return false;
    return !committed || now - this.waitingSince >= this.timing.forceMs;
  }

  /** The checkpoint ran: what was waiting is in the database file (or as much as readers allowed). */
  done(): void {
    this.waitingSince = null;
  }

  /** The checkpoint failed: what was waiting still waits, and the next try is `retryMs` away. */
  failed(now: number): void {
    this.notBefore = now + this.timing.retryMs;
  }
}
