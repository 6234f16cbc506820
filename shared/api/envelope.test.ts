import { describe, expect, it } from 'vitest';
import { MAX_REQUEST_BYTES, requestIdOf, requestShapeProblem, utf8Length } from './envelope';

const nest = (depth: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i += 1) value = [value];
  return value;
};

describe('request shape check (before a request is copied to the core worker)', () => {
  it('takes nesting up to 32 levels, counting the request itself, and refuses 33 and 100,000', () => {
    expect(requestShapeProblem({ id: 1, method: 'm', input: nest(31) })).toBeUndefined();
    expect(requestShapeProblem({ id: 1, method: 'm', input: nest(32) })).toBe('nested deeper than 32');
    expect(requestShapeProblem({ id: 1, method: 'm', input: nest(100_000) })).toBe('nested deeper than 32');
  });

  it('refuses more than 1 MiB of UTF-8, counting a Chinese character as 3 bytes', () => {
    expect(requestShapeProblem({ input: 'a'.repeat(MAX_REQUEST_BYTES - 100) })).toBeUndefined();
    expect(requestShapeProblem({ input: '汉'.repeat(MAX_REQUEST_BYTES / 3) })).toBe(`larger than ${MAX_REQUEST_BYTES} bytes`);
    expect(utf8Length('a汉😀')).toBe(1 + 3 + 4);
  });

  it('refuses what is not JSON data, and ends on cycles and shared references', () => {
    const cycle: Record<string, unknown> = {};
    cycle['self'] = cycle;
    expect(requestShapeProblem({ input: cycle })).toBe('nested deeper than 32');
    let wide: unknown[] = [1];
    for (let i = 0; i < 40; i += 1) wide = [wide, wide];
    expect(requestShapeProblem({ input: wide })).toBeDefined();
    expect(requestShapeProblem({ input: new Date(0) })).toBe('not JSON data');
    expect(requestShapeProblem({ input: 10n })).toBe('not JSON data');
    expect(requestShapeProblem({ input: Number.NaN })).toBe('not JSON data');
    expect(requestShapeProblem({ input: { optional: undefined } })).toBeUndefined();
  });

  it('reads the request id wherever it is a finite number, else -1', () => {
    expect(requestIdOf({ id: 7, method: 42 })).toBe(7);
    expect(requestIdOf({ id: -3 })).toBe(-3);
    expect(requestIdOf({ id: '7' })).toBe(-1);
    expect(requestIdOf({ id: Number.POSITIVE_INFINITY })).toBe(-1);
    expect(requestIdOf([7])).toBe(-1);
    expect(requestIdOf(null)).toBe(-1);
  });
});
