/**
 * Hybrid logical clock (Kulkarni et al.): timestamps that order every operation across desks even
 * when wall clocks disagree a little. Pure; the caller passes the wall time in.
 *
 * Encoded as a fixed-width string so that plain string comparison is timestamp order:
 * `<15-digit ms>-<5-digit counter>-<node id>`.
 */

export interface Hlc {
  readonly wallMs: number;
  readonly counter: number;
  readonly node: string;
}

/** A remote clock further ahead of ours than this is refused (docs/architecture.md "Sync"). */
export const MAX_DRIFT_MS = 5 * 60 * 1000;
const MAX_COUNTER = 99_999;

export class HlcError extends Error {
  constructor(
    readonly code: 'clock_drift' | 'counter_overflow' | 'malformed',
    message: string,
  ) {
    super(message);
    this.name = 'HlcError';
  }
}

export function initialHlc(node: string): Hlc {
  return { wallMs: 0, counter: 0, node };
}

/** The timestamp for a local event happening now. */
export function tick(previous: Hlc, nowMs: number): Hlc {
  if (nowMs > previous.wallMs) return { wallMs: nowMs, counter: 0, node: previous.node };
  return bump(previous.wallMs, previous.counter + 1, previous.node);
}

/** Merge a timestamp received from another desk, refusing one too far in the future. */
export function receive(local: Hlc, remote: Hlc, nowMs: number): Hlc {
  if (remote.wallMs - nowMs > MAX_DRIFT_MS) {
    throw new HlcError('clock_drift', `remote clock is ${remote.wallMs - nowMs} ms ahead`);
  }
  const wallMs = Math.max(local.wallMs, remote.wallMs, nowMs);
  let counter: number;
  if (wallMs === local.wallMs && wallMs === remote.wallMs) counter = Math.max(local.counter, remote.counter) + 1;
  else if (wallMs === local.wallMs) counter = local.counter + 1;
  else if (wallMs === remote.wallMs) counter = remote.counter + 1;
  else counter = 0;
  return bump(wallMs, counter, local.node);
}

function bump(wallMs: number, counter: number, node: string): Hlc {
  if (counter > MAX_COUNTER) throw new HlcError('counter_overflow', 'too many events in one millisecond');
  return { wallMs, counter, node };
}

export function formatHlc(hlc: Hlc): string {
  return `${String(hlc.wallMs).padStart(15, '0')}-${String(hlc.counter).padStart(5, '0')}-${hlc.node}`;
}

const HLC_PATTERN = /^(\d{15})-(\d{5})-([A-Za-z0-9_-]+)$/;

export function parseHlc(text: string): Hlc {
  const match = HLC_PATTERN.exec(text);
  if (!match) throw new HlcError('malformed', 'not an HLC timestamp');
  return { wallMs: Number(match[1]), counter: Number(match[2]), node: match[3] ?? '' };
}

export function compareHlc(a: Hlc, b: Hlc): number {
  const left = formatHlc(a);
  const right = formatHlc(b);
  return left < right ? -1 : left > right ? 1 : 0;
}
