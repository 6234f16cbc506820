#!/usr/bin/env node
// Regenerates resources/fonts/NotoSansSC-form-subset.otf, the CJK font the printed paper form embeds.
// Not part of the build: run by hand when the form's text or the catalogs gain characters outside
// the set (needs fontTools' pyftsubset and a Noto Sans CJK collection, e.g. Debian's fonts-noto-cjk).
// The subset holds: ASCII and common punctuation, GB2312 level 1 (the 3,755 common hanzi), and every
// character of the zh-CN catalog, the printed form's text (resources/paper-form) and the consent
// notices. Noto is under the SIL Open Font License
// 1.1 (resources/fonts/OFL.txt), which allows subsetting and redistribution with the licence.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = process.argv[2] ?? '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';
const fontNumber = process.argv[3] ?? '2'; // Noto Sans CJK SC in Debian's collection

const chars = new Set();
const add = (text) => { for (const ch of text) chars.add(ch); };
for (let c = 0x20; c < 0x7f; c += 1) chars.add(String.fromCharCode(c));
add('，。、；：？！“”‘’（）《》【】—…·￥％＋－／：□☐✓×№ ');
const gb = new TextDecoder('gb18030');
for (let hi = 0xb0; hi <= 0xd7; hi += 1) {
  for (let lo = 0xa1; lo <= 0xfe; lo += 1) {
    if (hi === 0xd7 && lo > 0xf9) break;
    add(gb.decode(Uint8Array.of(hi, lo)));
  }
}
add(fs.readFileSync(path.join(root, 'renderer/src/i18n/zh-CN.json'), 'utf8'));
for (const file of fs.readdirSync(path.join(root, 'resources/paper-form'))) add(fs.readFileSync(path.join(root, 'resources/paper-form', file), 'utf8'));
for (const file of fs.readdirSync(path.join(root, 'resources/consent'))) add(fs.readFileSync(path.join(root, 'resources/consent', file), 'utf8'));
chars.delete('\n'); chars.delete('\r'); chars.delete('\t');

const textFile = path.join(os.tmpdir(), 'intake-desk-form-font.txt');
fs.writeFileSync(textFile, [...chars].join(''));
const out = path.join(root, 'resources/fonts/NotoSansSC-form-subset.otf');
execFileSync('pyftsubset', [source, `--font-number=${fontNumber}`, `--text-file=${textFile}`, `--output-file=${out}`, '--no-hinting'], { stdio: 'inherit' });
// The subset keeps Noto's CIDs (sparse), but pdf-lib writes glyph ids where a PDF holds CIDs: a viewer
// that maps CIDs through the font's charset as the PDF standard says (pdf.js, which renders scans and
// the desk's own forms) then finds no glyph for most hanzi. Renumber so that every CID equals its
// glyph id (cid00001, cid00002, … in glyph order), through ttx so every table follows.
const renumber = `
import re, sys
from fontTools.ttLib import TTFont
path = sys.argv[1]
font = TTFont(path)
order = font.getGlyphOrder()
names = {name: '.notdef' if gid == 0 else 'cid%05d' % gid for gid, name in enumerate(order)}
xml = path + '.ttx'
font.saveXML(xml)
text = re.sub(r'cid\\d{5}', lambda m: names.get(m.group(0), m.group(0)), open(xml, encoding='utf-8').read())
open(xml, 'w', encoding='utf-8').write(text)
renumbered = TTFont()
renumbered.importXML(xml)
renumbered.save(path)
`;
execFileSync('python3', ['-c', renumber, out], { stdio: 'inherit' });
fs.rmSync(`${out}.ttx`, { force: true });
console.log(`${chars.size} characters → ${path.relative(root, out)} (${fs.statSync(out).size} bytes)`);
