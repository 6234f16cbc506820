/**
 * When the core warms up search (one small search of each kind, so the first real one finds its code
 * compiled and the top of its indexes in the page cache): once the first screen has been answered
 * and the desk has been quiet a moment since, not while that screen is loading and painting. On two
 * cores the warm-up (70–280 ms of CPU) taken at once after start-up slowed the window's own start by
 * about 200 ms (issue 12: `npm start` → sign-in painted < 1.5 s; docs/decisions/0037). A shell that
 * never asks for its first screen (no window yet) still gets it, `withoutScreenMs` after start-up.
 *
 * Pure: the core worker gives it the time, the methods it answered and whether it is quiet.
 */
import { FIRST_SCREEN_METHODS } from '../../shared/api/first-screen';

export interface WarmUpTiming {
  /** How long after the first screen's answers the warm-up may run (the screen paints meanwhile). */
  afterFirstScreenMs: number;
  /** How long after start-up it runs anyway when no screen has asked. */
  withoutScreenMs: number;
}

export const WARM_UP_TIMING: WarmUpTiming = { afterFirstScreenMs: 300, withoutScreenMs: 3_000 };

const FIRST_SCREEN: ReadonlySet<string> = new Set(FIRST_SCREEN_METHODS);

export class WarmUpMoment {
  private firstScreenAt: number | undefined;
  private done = false;

  constructor(
    private readonly readyAt: number,
    private readonly timing: WarmUpTiming = WARM_UP_TIMING,
  ) {}

  /** The core answered `method` at `now`. */
  answered(method: string | undefined, now: number): void {
    if (method !== undefined && FIRST_SCREEN.has(method)) this.firstScreenAt ??= now;
  }

  /** True once, at the first quiet moment the warm-up may take. */
  due(now: number, quiet: boolean): boolean {
    if (this.done || !quiet) return false;
    const waited = this.firstScreenAt !== undefined ? now - this.firstScreenAt >= this.timing.afterFirstScreenMs : now - this.readyAt >= this.timing.withoutScreenMs;
    if (waited) this.done = true;
    return waited;
  }
}
