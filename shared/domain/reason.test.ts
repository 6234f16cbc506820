import { describe, expect, it } from 'vitest';
import { reasonProblem, reasonSchema } from './reason';

describe('reasons must say something', () => {
  it('refuses short, blank and one-character-repeated reasons with a message code', () => {
    expect(reasonProblem('')).toBe('reason_too_short');
    expect(reasonProblem('  核对  ')).toBe('reason_too_short');
    expect(reasonProblem('aaaa')).toBe('reason_meaningless');
    expect(reasonProblem('AaAa')).toBe('reason_meaningless');
    expect(reasonProblem('a a a')).toBe('reason_meaningless');
    expect(reasonProblem('....')).toBe('reason_meaningless');
    expect(reasonProblem('啊啊啊啊')).toBe('reason_meaningless');
    expect(reasonProblem('x'.repeat(150) + 'y'.repeat(60))).toBe('too_long');
  });

  it('accepts a reason of four real characters, Chinese or not, counting characters not bytes', () => {
    expect(reasonProblem('核对身份')).toBeNull();
    expect(reasonProblem('客户要求更正手机号')).toBeNull();
    expect(reasonProblem('ID check')).toBeNull();
    expect(reasonSchema().safeParse('  核对身份  ')).toEqual({ success: true, data: '核对身份' });
    const refused = reasonSchema().safeParse('aaaa');
    expect(refused.success ? null : refused.error.issues[0]?.message).toBe('reason_meaningless');
  });
});
