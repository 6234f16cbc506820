/**
 * `npm run form:pdf -- --count N --out FILE [--batch CODE] [--first SERIAL] [--org NAME] [--site NAME]
 * [--preset ski_lodge|scenic_area] [--lang zh-CN|en]`: writes N numbered sheets of the site's paper
 * registration form, one page each (electron/core/paper/form-pdf.ts). Exit 2 on bad arguments.
 */
import fs from 'node:fs';
import path from 'node:path';
import { FIELD_PRESETS } from '../shared/domain/intake/fields';
import { BATCH_CODE_PATTERN } from '../shared/domain/paper/serial';
import { FORM_MAX_SHEETS, generateFormPdf, loadFormFont, loadNotice, type FormLanguage } from '../electron/core/paper/form-pdf';

function option(argv: string[], name: string): string | undefined {
  const index = argv.indexOf(`--${name}`);
  if (index < 0) return undefined;
  const value = argv[index + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`--${name} needs a value`);
  return value;
}

function integer(argv: string[], name: string, fallback: number | undefined, max: number): number {
  const text = option(argv, name);
  if (text === undefined) {
    if (fallback === undefined) throw new Error(`--${name} is required`);
    return fallback;
  }
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`--${name} must be a whole number from 1 to ${max}, not "${text}"`);
  return value;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const count = integer(argv, 'count', undefined, FORM_MAX_SHEETS);
  const out = option(argv, 'out');
  if (!out) throw new Error('--out FILE is required');
  const batch = option(argv, 'batch') ?? 'B1';
  if (!BATCH_CODE_PATTERN.test(batch)) throw new Error('--batch must be 1–20 letters, digits or dashes');
  const firstSerial = integer(argv, 'first', 1, 999_999 - count + 1);
  const preset = option(argv, 'preset') ?? 'ski_lodge';
  if (preset !== 'ski_lodge' && preset !== 'scenic_area') throw new Error('--preset must be ski_lodge or scenic_area');
  const language = (option(argv, 'lang') ?? 'zh-CN') as FormLanguage;
  if (language !== 'zh-CN' && language !== 'en') throw new Error('--lang must be zh-CN or en');
  const pdf = await generateFormPdf({
    organisationName: option(argv, 'org') ?? 'Intake Desk',
    siteName: option(argv, 'site') ?? 'Site',
    fieldConfig: FIELD_PRESETS[preset],
    batch,
    firstSerial,
    count,
    language,
    noticeText: loadNotice(language),
    fontBytes: loadFormFont(),
  });
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  fs.writeFileSync(out, pdf.bytes);
  console.log(`form:pdf: ${pdf.pages} pages → ${out} (${pdf.bytes.length} bytes)`);
}

main().catch((error: unknown) => {
  console.error(`form:pdf: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
});
