// Issue 11 item 19: Chinese text renders on a fresh Linux machine. The Debian package depends on a CJK
// font, CI installs the same font before the end-to-end run, and the renderer's font stack names the
// usual CJK fonts of Windows, macOS and Linux before the generic fallbacks.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const read = (file: string): string => fs.readFileSync(path.join(root, file), 'utf8');

describe('CJK fonts', () => {
  it('makes the Debian package depend on fonts-noto-cjk', () => {
    const yml = read('electron-builder.yml');
    const deb = /^deb:\n((?:[ ].*\n|\n)*)/m.exec(yml);
    expect(deb).not.toBeNull();
    const depends = [...(deb?.[1] ?? '').matchAll(/^\s+-\s+(\S+)\s*$/gm)].map((match) => match[1]);
    expect(depends).toContain('fonts-noto-cjk');
  });

  it('installs fonts-noto-cjk in CI when the machine has no Noto CJK font', () => {
    const run = read('.ci/run');
    expect(run).toMatch(/fc-list :lang=zh[^\n]*Noto Sans CJK[^\n]*\|\| missing\+=\(fonts-noto-cjk\)/);
    expect(run.indexOf('missing+=(fonts-noto-cjk)')).toBeLessThan(run.indexOf('apt-get install'));
  });

  it('names the CJK fonts of Windows, macOS and Linux before the generic families', () => {
    const css = read('renderer/src/styles.css');
    const rootRule = /:root\s*\{([^}]*)\}/.exec(css)?.[1] ?? '';
    const stack = (/font-family:\s*([^;]+);/.exec(rootRule)?.[1] ?? '').split(',').map((name) => name.trim().replace(/^"|"$/g, ''));
    for (const font of ['Microsoft YaHei', 'PingFang SC', 'Hiragino Sans GB', 'Noto Sans CJK SC', 'Source Han Sans SC', 'WenQuanYi Micro Hei']) {
      expect(stack).toContain(font);
      expect(stack.indexOf(font)).toBeLessThan(stack.indexOf('sans-serif'));
    }
    expect(stack.at(-1)).toBe('sans-serif');
  });
});
