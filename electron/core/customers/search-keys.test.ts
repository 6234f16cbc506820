import { describe, expect, it } from 'vitest';
import { initialsOf, pinyinSpellings, searchKeysFor } from './search-keys';

describe('customer search keys', () => {
  it('includes the surname reading of a polyphonic surname and the other readings', () => {
    expect(pinyinSpellings('单雪')).toContain('shanxue');
    expect(pinyinSpellings('单雪')).toContain('danxue');
    expect(initialsOf('单雪')).toEqual(expect.arrayContaining(['sx', 'dx']));
  });

  it('keys phone and ID by full value and last four digits', () => {
    const keys = searchKeysFor({ name: '李雪', mobile: '13812345678', idNumber: '11010519491231002X' });
    expect(keys).toEqual(expect.arrayContaining([
      { kind: 'mobile', term: '13812345678' },
      { kind: 'mobile4', term: '5678' },
      { kind: 'id', term: '11010519491231002X' },
      { kind: 'id4', term: '002X' },
      { kind: 'name', term: '李雪' },
      { kind: 'pinyin', term: 'lixue' },
      { kind: 'initials', term: 'lx' },
    ]));
  });
});
