// The printed form's CJK font (issue 13): pdf-lib writes glyph ids where the PDF holds CIDs, so the
// committed subset must number its CIDs as its glyph ids. With Noto's sparse CIDs, pdf.js — which
// renders PDF scans and our own forms on the desk — drew no hanzi at all (only Latin letters and
// digits, whose CIDs happened to equal their glyph ids).
import fontkit from '@pdf-lib/fontkit';
import { describe, expect, it } from 'vitest';
import { loadFormFont } from '../../electron/core/paper/form-pdf';

interface CffCharset {
  version: number;
  ranges?: { first: number; nLeft: number; offset: number }[];
  glyphs?: number[];
}

describe('the form font', () => {
  it('numbers every CID as its glyph id, so a standard viewer finds the glyph pdf-lib names', () => {
    const font = fontkit.create(Buffer.from(loadFormFont())) as unknown as { numGlyphs: number; glyphForCodePoint(c: number): { id: number }; ['CFF ']: { topDict: { ROS?: unknown; charset: CffCharset } } };
    const { charset } = font['CFF '].topDict;
    // CID of each glyph id, from the CFF charset (glyph 0 is .notdef, CID 0).
    const cidOf = (gid: number): number => {
      if (gid === 0) return 0;
      if (charset.glyphs) return charset.glyphs[gid - 1] ?? -1;
      for (const range of charset.ranges ?? []) if (gid - 1 >= range.offset && gid - 1 <= range.offset + range.nLeft) return range.first + (gid - 1 - range.offset);
      return -1;
    };
    for (const ch of '客户信息登记表姓名手机号码证件类型滑雪AZ09') {
      const gid = font.glyphForCodePoint(ch.codePointAt(0) ?? 0).id;
      expect(gid, ch).toBeGreaterThan(0);
      expect(cidOf(gid), ch).toBe(gid);
    }
    expect(cidOf(font.numGlyphs - 1)).toBe(font.numGlyphs - 1);
  });
});
