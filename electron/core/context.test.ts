// Ids are time-ordered (docs/decisions/0027): a newer record's id sorts after an older one's, the
// way SQLite compares text, so a new row lands at the right-hand edge of every index its id leads.
import { describe, expect, it } from 'vitest';
import { customerIdSchema, intakeIdSchema } from '../../shared/domain/ids';
import { randomIdFactory, timePrefix } from './context';

describe('record ids', () => {
  it('sort in the order they were made, byte by byte, across every digit of the clock', () => {
    let now = Date.UTC(2026, 0, 1);
    const ids = randomIdFactory(undefined, () => now);
    const made: string[] = [];
    for (const step of [1, 63, 64, 4_095, 4_096, 86_400_000, 1, 0]) {
      now += step;
      made.push(ids('cus'));
    }
    const bytewise = [...made].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    // Ids made in the same millisecond share their time part and differ in their random part.
    expect(bytewise.slice(0, -2)).toEqual(made.slice(0, -2));
    expect(made[made.length - 1]!.slice(0, 12)).toBe(made[made.length - 2]!.slice(0, 12));
    expect(new Set(made).size).toBe(made.length);
  });

  it('are ids every contract accepts, and the clock part reads back as the time it was made', () => {
    const at = Date.UTC(2026, 11, 6, 21, 13, 42, 123);
    const ids = randomIdFactory(undefined, () => at);
    expect(customerIdSchema.safeParse(ids('cus')).success).toBe(true);
    expect(intakeIdSchema.safeParse(ids('itk')).success).toBe(true);
    expect(timePrefix(at)).toHaveLength(8);
    expect(timePrefix(at) < timePrefix(at + 1)).toBe(true);
    expect(ids('cus').startsWith(`cus_${timePrefix(at)}`)).toBe(true);
  });

  it('keep the old random form when a seeded source is injected (simulations replay the same ids)', () => {
    let counter = 0;
    const seeded = randomIdFactory((bytes) => Buffer.alloc(bytes, counter++));
    expect(seeded('op')).toBe(`op_${Buffer.alloc(15, 0).toString('base64url')}`);
  });
});
