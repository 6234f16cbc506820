// Issue 15, item 1: the customer's page stays small enough for a slow connection and WeChat's browser
// (no download over ~150 KB gzipped), carries no zod (the page bundles the zod-free halves of the
// shared rules), and the server serves it under its strict CSP with long-lived caching.
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildServer } from '../../server/src/app';
import { openPglite } from '../../server/src/db';
import { migrate } from '../../server/src/migrations';

const PAGE_DIR = path.resolve('dist/online-page');

describe('the online page bundle', () => {
  it('is under 150 KB gzipped with its stylesheet, and holds no zod and no desk-only messages', () => {
    const script = fs.readFileSync(path.join(PAGE_DIR, 'page.js'));
    const style = fs.readFileSync(path.join(PAGE_DIR, 'page.css'));
    const gzipped = gzipSync(script, { level: 9 }).length + gzipSync(style, { level: 9 }).length;
    expect(gzipped).toBeLessThan(150 * 1024);
    const text = script.toString('utf8');
    expect(text).not.toContain('ZodError');
    // The catalogs are cut down to what the page shows: a desk-only section is absent, the page's own present.
    expect(text).toContain('onlinePage');
    expect(fs.readFileSync('renderer/src/i18n/zh-CN.json', 'utf8')).toContain('备份与恢复演练');
    expect(text).not.toContain('备份与恢复演练');
  });

  it('is served with a long cache, and nothing outside the page folder is', async () => {
    const db = await openPglite(undefined);
    try {
      await migrate(db);
      const app = await buildServer({ db, pageDir: PAGE_DIR });
      const script = await app.inject({ method: 'GET', url: '/form-assets/page.js?v=1' });
      expect(script.statusCode).toBe(200);
      expect(script.headers['content-type']).toMatch(/^text\/javascript/);
      expect(script.headers['cache-control']).toContain('immutable');
      expect(script.rawPayload.equals(fs.readFileSync(path.join(PAGE_DIR, 'page.js')))).toBe(true);
      const missing = await app.inject({ method: 'GET', url: '/form-assets/..%2Fserver.cjs' });
      expect(missing.statusCode).toBe(404);
      expect(JSON.parse(missing.body)).toMatchObject({ error: { code: 'not_found' } });
      await app.close();
    } finally {
      await db.close();
    }
  });
});
