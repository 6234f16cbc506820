// Every RPC input is bounded: walks each method's input schema in METHODS (zod 4 introspection)
// and fails on any string, array or record that has no maximum, and on any open-ended value
// (unknown, any, a record with free-form keys, an object that keeps unknown keys).
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { RECORD_MAX_BYTES, TEXT_LIMITS, intakeFieldsSchema, recordBytes } from '../domain/intake/fields';
import { METHODS } from './contract';

type AnySchema = z.core.$ZodType;

interface Def {
  type: string;
  [key: string]: unknown;
}

const defOf = (schema: AnySchema): Def => schema._zod.def as unknown as Def;

/** The largest length the schema's own checks allow (`.max(n)`, `.length(n)`), if any. */
function maxLengthOf(schema: AnySchema): number | undefined {
  const limits = (schema._zod.def.checks ?? []).flatMap((check) => {
    const def = check._zod.def as unknown as { check: string; maximum?: number; length?: number };
    if (def.check === 'max_length' && typeof def.maximum === 'number') return [def.maximum];
    if (def.check === 'length_equals' && typeof def.length === 'number') return [def.length];
    return [];
  });
  return limits.length > 0 ? Math.min(...limits) : undefined;
}

/** Where `schema` lets an unbounded value through, as paths like `fields.remarks` with the reason. */
function unboundedIn(schema: AnySchema, path = '(input)', seen = new Set<AnySchema>()): string[] {
  if (seen.has(schema)) return [];
  seen.add(schema);
  const def = defOf(schema);
  const max = maxLengthOf(schema);
  const hasMax = max !== undefined && Number.isFinite(max);
  const child = (key: string): AnySchema => def[key] as AnySchema;
  switch (def.type) {
    case 'string':
      return hasMax ? [] : [`${path}: string without a maximum length`];
    case 'array':
      return [...(hasMax ? [] : [`${path}: array without a maximum length`]), ...unboundedIn(child('element'), `${path}[]`, seen)];
    case 'record': {
      const keys = defOf(child('keyType'));
      const finiteKeys = keys.type === 'enum' || keys.type === 'literal';
      return [...(finiteKeys ? [] : [`${path}: record with free-form keys`]), ...unboundedIn(child('valueType'), `${path}{}`, seen)];
    }
    case 'object': {
      const shape = def['shape'] as Record<string, AnySchema>;
      const catchall = def['catchall'] as AnySchema | undefined;
      const open = catchall !== undefined && defOf(catchall).type !== 'never' ? [`${path}: object keeps unknown keys`] : [];
      return [...open, ...Object.entries(shape).flatMap(([key, value]) => unboundedIn(value, `${path}.${key}`, seen))];
    }
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'nonoptional':
    case 'catch':
      return unboundedIn(child('innerType'), path, seen);
    case 'pipe':
      return [...unboundedIn(child('in'), path, seen), ...unboundedIn(child('out'), path, seen)];
    case 'union':
      return (def['options'] as AnySchema[]).flatMap((option) => unboundedIn(option, path, seen));
    case 'intersection':
      return [...unboundedIn(child('left'), path, seen), ...unboundedIn(child('right'), path, seen)];
    case 'tuple':
      return (def['items'] as AnySchema[]).flatMap((item, index) => unboundedIn(item, `${path}[${index}]`, seen));
    case 'boolean':
    case 'number':
    case 'int':
    case 'enum':
    case 'literal':
    case 'null':
    case 'undefined':
    case 'never':
      return [];
    default:
      // unknown, any, lazy, transform, map, set, bigint, date, custom…: not allowed in an input.
      return [`${path}: ${def.type} cannot be bounded`];
  }
}

describe('RPC input limits', () => {
  it('bounds every string, array and record in every method’s input', () => {
    const problems = Object.entries(METHODS).flatMap(([name, spec]) => unboundedIn(spec.input as AnySchema).map((problem) => `${name} ${problem}`));
    expect(problems).toEqual([]);
  });

  it('finds what it is meant to find (the walker itself)', async () => {
    const { z } = await import('zod');
    expect(unboundedIn(z.object({ a: z.string(), b: z.array(z.string().max(3)), c: z.record(z.string(), z.number()), d: z.unknown() }))).toEqual([
      '(input).a: string without a maximum length',
      '(input).b: array without a maximum length',
      '(input).c: record with free-form keys',
      '(input).d: unknown cannot be bounded',
    ]);
    expect(unboundedIn(z.object({ a: z.string().max(3).optional(), b: z.array(z.boolean()).max(2), c: z.partialRecord(z.enum(['x']), z.string().max(1)) }).strict())).toEqual([]);
  });
});

describe('record fields', () => {
  it('gives every text field of a record a maximum equal to TEXT_LIMITS, with a field-named message', () => {
    for (const [field, limit] of Object.entries(TEXT_LIMITS)) {
      expect(intakeFieldsSchema.safeParse({ [field]: 'x'.repeat(limit) }).success, field).toBe(true);
      const over = intakeFieldsSchema.safeParse({ [field]: 'x'.repeat(limit + 1) });
      expect(over.success, field).toBe(false);
      expect(over.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toContainEqual([field, 'too_long']);
    }
  });

  it('keeps a whole record, every field at its maximum in 3-byte characters, under the record bound', () => {
    const full = intakeFieldsSchema.parse(Object.fromEntries(Object.entries(TEXT_LIMITS).map(([field, limit]) => [field, '雪'.repeat(limit)])));
    expect(recordBytes(full)).toBeLessThanOrEqual(RECORD_MAX_BYTES);
  });
});
