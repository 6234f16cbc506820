// Issue 12, start-up: the sign-in screen's bundle is a small part of the app (the signed-in frame and
// zod load later), the build is React's production build whoever runs it, and `npm start`'s host
// serves the page while the core is still opening the database.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startBrowserHost } from '../../electron/browser-host/server';
import { RENDERER_DIR, WORKER_FILE, connect, tempDataDir } from '../support/desk';

/** The scripts the page loads before anything runs: the entry and what index.html preloads with it. */
function firstLoad(): { files: string[]; text: string; bytes: number } {
  const html = fs.readFileSync(path.join(RENDERER_DIR, 'index.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+\.js)"/g)].map((match) => match[1] as string);
  const text = files.map((file) => fs.readFileSync(path.join(RENDERER_DIR, file), 'utf8')).join('\n');
  return { files, text, bytes: Buffer.byteLength(text) };
}

function allScripts(): { text: string; bytes: number } {
  const dir = path.join(RENDERER_DIR, 'assets');
  // pdf.js's worker is fetched only when a scan is shown; it is not part of the app's code.
  const text = fs.readdirSync(dir).filter((file) => file.endsWith('.js') && !file.startsWith('pdf.worker')).map((file) => fs.readFileSync(path.join(dir, file), 'utf8')).join('\n');
  return { text, bytes: Buffer.byteLength(text) };
}

describe('the first bundle (sign-in screen)', () => {
  it('holds the sign-in screen but not the walk-in form, the review queues or zod, and is under half of the app', () => {
    const first = firstLoad();
    expect(first.files.length).toBeGreaterThan(0);
    const all = allScripts();
    // The walk-in form's quick find and the review queue list are in the app, not in the first load.
    expect(all.text).toContain('walkin-finder');
    expect(all.text).toContain('queue-list');
    expect(first.text).not.toContain('walkin-finder');
    expect(first.text).not.toContain('queue-list');
    expect(first.text).not.toContain('ZodError');
    expect(first.bytes).toBeLessThan(all.bytes / 2);
  });

  it('is React’s production build', () => {
    expect(allScripts().text).not.toContain('jsxDEV');
  });
});

describe('npm start’s host', () => {
  it('serves the page before the core is ready, and a call made meanwhile is answered once it is', async () => {
    const host = await startBrowserHost({ dataDir: tempDataDir('early'), workerFile: WORKER_FILE, rendererDir: RENDERER_DIR, appVersion: 'test', serveWhileCoreStarts: true });
    try {
      let ready = false;
      const coreReady = host.coreReady.then(() => {
        ready = true;
      });
      // Listening already: the launch link works and a client connects while the core may still be opening.
      const client = await connect(host);
      const info = await client.call('app.info');
      expect(info.ok).toBe(true);
      await coreReady;
      expect(ready).toBe(true);
      client.close();
    } finally {
      await host.close();
    }
  });
});
