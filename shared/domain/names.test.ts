/** Names as written on real forms: GB 18030 Han names, transliterated minority and foreign names joined by a middle dot, Latin names. */
import { describe, expect, it } from 'vitest';
import { nameIssue, normalizeName, normalizeQuery } from './names';
import { FIELD_PRESETS, emptyIntakeFields } from './intake/fields';
import { validateIntake } from './intake/validate';

describe('names', () => {
  it('stores every middle-dot variant as U+00B7', () => {
    for (const typed of ['迪丽热巴·迪力木拉提', '迪丽热巴・迪力木拉提', '迪丽热巴•迪力木拉提', '迪丽热巴‧迪力木拉提', '迪丽热巴 ･ 迪力木拉提']) {
      expect(normalizeName(typed), typed).toBe('迪丽热巴\u00B7迪力木拉提');
    }
  });

  it('accepts Chinese names, Latin names with spaces, hyphens and apostrophes', () => {
    for (const name of ['李雪', '欧阳娜娜', 'John Smith', 'Mary-Jane O’Neil', 'José Álvarez', 'J. R. Tolkien', '阿卜杜拉·买买提']) expect(nameIssue(normalizeName(name)), name).toBeNull();
  });

  it('refuses emoji, symbols, control characters and digits, naming the problem', () => {
    expect(nameIssue('李雪😀')).toBe('name_invalid_chars');
    expect(nameIssue('李\u0007雪')).toBe('name_invalid_chars');
    expect(nameIssue('李雪#')).toBe('name_invalid_chars');
    expect(nameIssue('·李雪')).toBe('name_invalid_chars');
    expect(nameIssue('李雪2')).toBe('name_has_digits');
    const result = validateIntake({ ...emptyIntakeFields(), name: '张三🎿' }, FIELD_PRESETS.scenic_area, new Date(2026, 10, 22));
    expect(result.errors.name).toEqual({ code: 'name_invalid_chars' });
  });

  it('reads a search query typed with full-width digits or another middle dot', () => {
    expect(normalizeQuery('１３８１２３４５６７８')).toBe('13812345678');
    expect(normalizeQuery('迪丽热巴•迪')).toBe('迪丽热巴\u00B7迪');
  });
});
