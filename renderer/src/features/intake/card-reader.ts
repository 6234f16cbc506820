/**
 * ID card readers behind one small interface (issue 11 item 14, docs/decisions/0019-id-card-readers.md).
 *
 * A `CardReaderSource` calls back with each card it reads. Today there is one source, the keyboard
 * wedge: most counter readers type the card as keystrokes ending in Enter. A reader driven by a
 * vendor SDK (USB HID or serial) can be added later in the Electron shell as another source that
 * calls `onRead` with the same `CardRead`, and the walk-in screen does not change.
 */
import { parseCardRead, type CardRead } from '../../../../shared/domain/id-card-read';

export type { CardRead } from '../../../../shared/domain/id-card-read';

/** A keystroke the wedge put into a field before the line was recognised: the field's value before it. */
export interface TypedInto {
  field: string;
  valueBefore: string;
}

export interface CardReaderSource {
  readonly kind: 'wedge' | 'sdk';
  /** Start listening; `onRead` gets each card, and (wedge only) the fields its keystrokes landed in. Returns stop. */
  start(onRead: (read: CardRead, typedInto: TypedInto[]) => void): () => void;
}

/**
 * Keystroke timing that tells a reader from a person. A reader types a whole line with a few
 * milliseconds between characters; a person, even a fast typist, leaves tens of milliseconds. A
 * line counts as read when, up to its Enter, at least `minChars` keystrokes arrived with no gap over
 * `maxGapMs` and half of the gaps at most `maxMedianGapMs` (one stall of a busy machine does not
 * turn a read into typing), and the line parses as a card (`parseCardRead`).
 */
export const WEDGE_TIMING = { minChars: 18, maxGapMs: 120, maxMedianGapMs: 25 } as const;

export interface Stroke {
  at: number;
  text: string;
  field: string | null;
  valueBefore: string;
}

export function isReaderSpeed(times: readonly number[], timing: typeof WEDGE_TIMING = WEDGE_TIMING): boolean {
  if (times.length < 2) return false;
  const gaps = times.slice(1).map((time, index) => time - (times[index] ?? time));
  if (gaps.some((gap) => gap > timing.maxGapMs)) return false;
  const sorted = [...gaps].sort((a, b) => a - b);
  return (sorted[Math.floor((sorted.length - 1) / 2)] ?? Infinity) <= timing.maxMedianGapMs;
}

/**
 * The card a line of keystrokes ending in Enter (at `enterAt`) reads as, if any: the longest tail of
 * the strokes that came at reader speed and parses as a card. A person's keys just before the read
 * (a phone number typed a moment earlier, in another field) are not part of the line.
 */
export function readFromStrokes(strokes: readonly Stroke[], enterAt: number, today?: Date): { read: CardRead; line: Stroke[] } | null {
  const last = strokes[strokes.length - 1];
  if (!last || enterAt - last.at > WEDGE_TIMING.maxGapMs) return null;
  for (let from = 0; from + WEDGE_TIMING.minChars <= strokes.length; from += 1) {
    const line = strokes.slice(from);
    if (!isReaderSpeed([...line.map((stroke) => stroke.at), enterAt])) continue;
    const read = parseCardRead(line.map((stroke) => stroke.text).join(''), today ? { today } : {});
    if (read) return { read, line };
  }
  return null;
}

/**
 * The keyboard wedge, listening on `root` for keystrokes into what `accepts` (the walk-in form).
 * Timing comes from each keydown's `timeStamp`, the time the operating system saw the key, not when
 * a busy page got round to it. Characters go where they would go anyway (nothing is held back, so
 * typing is never delayed or lost); when a reader-speed line ends
 * in Enter and parses as a card, that Enter is swallowed (no second move) and the read is reported
 * with the fields the burst typed into, so the screen can put them back.
 */
export function wedgeReader(root: HTMLElement | Window, options: { today?: () => Date; accepts?: (target: EventTarget | null) => boolean } = {}): CardReaderSource {
  return {
    kind: 'wedge',
    start(onRead) {
      let strokes: Stroke[] = [];
      const onKeyDown = (event: Event): void => {
        const key = event as KeyboardEvent;
        if (key.ctrlKey || key.altKey || key.metaKey || key.isComposing) {
          strokes = [];
          return;
        }
        if ([...key.key].length === 1) {
          // A character: remember when it came and what the field held before it.
          if (options.accepts && !options.accepts(key.target)) {
            strokes = [];
            return;
          }
          const last = strokes[strokes.length - 1];
          if (last && key.timeStamp - last.at > WEDGE_TIMING.maxGapMs) strokes = [];
          const target = key.target as HTMLInputElement | HTMLTextAreaElement | null;
          strokes.push({ at: key.timeStamp, text: key.key, field: target?.name || null, valueBefore: target && 'value' in target ? target.value : '' });
          if (strokes.length > 400) strokes = strokes.slice(-200);
          return;
        }
        if (key.key !== 'Enter' || key.shiftKey) {
          if (key.key !== 'Shift') strokes = [];
          return;
        }
        const burst = strokes;
        strokes = [];
        const found = readFromStrokes(burst, key.timeStamp, options.today ? options.today() : undefined);
        if (!found) return;
        const { read, line } = found;
        key.preventDefault();
        key.stopPropagation();
        const typedInto: TypedInto[] = [];
        for (const stroke of line) {
          if (stroke.field && !typedInto.some((each) => each.field === stroke.field)) typedInto.push({ field: stroke.field, valueBefore: stroke.valueBefore });
        }
        onRead(read, typedInto);
      };
      root.addEventListener('keydown', onKeyDown, true);
      return () => {
        root.removeEventListener('keydown', onKeyDown, true);
      };
    },
  };
}
