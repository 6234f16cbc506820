/**
 * Memory after a long session of searches (issue 12, goal < 300 MB, core + host): `npm start`'s
 * browser host runs as a process of its own on the season-old demo database, and one signed-in
 * client types searches into it as the search screen sends them — every prefix of a query of every
 * kind, at the UI's limit of 500, with filters and their next pages between — while the host's
 * resident set (its main thread and the core worker, one process) is read from /proc. Beside it, the
 * same process just after sign-in, before the session.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { BrowserHost } from '../electron/browser-host/server';
import { demoCustomer, seededRandom } from '../shared/domain/demo';
import { initialsOf, pinyinSpellings } from '../electron/core/customers/search-keys';
import { connect } from '../tests/support/desk';
import { loadAverage } from './real-path';

const UI_LIMIT = 500;

/** Resident set and its peak, in MB, of a process (all its threads) from /proc. */
function rssOf(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

function startHostProcess(distDir: string, dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(distDir, 'electron', 'browser-host.cjs')], {
      env: { ...process.env, INTAKE_DESK_DATA_DIR: dataDir, INTAKE_DESK_NO_OPEN: '1' },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const url = /running at (\S+)/.exec(out)?.[1];
      if (url) resolve({ child, url });
    });
    child.once('exit', (code) => reject(new Error(`the browser host stopped (exit code ${code}): ${out}`)));
  });
}

export async function benchSearchSessionRss(distDir: string, count: number, searches: number): Promise<void> {
  const dataDir = path.resolve('bench', '.data', `season-${count}`);
  if (!fs.existsSync(dataDir)) throw new Error(`no demo database at ${dataDir}: run npm run bench -- --customers ${count} --only real first`);
  const { child, url } = await startHostProcess(distDir, dataDir);
  try {
    const origin = new URL(url).origin;
    const host = { origin, launchUrl: () => url } as unknown as BrowserHost;
    const client = await connect(host);
    const signIn = (await client.call('auth.login', { username: 'demo.manager', password: 'Demo2026x' })) as { ok: boolean };
    if (!signIn.ok) throw new Error('the demo manager could not sign in');
    await client.call('app.ping');
    const pid = child.pid ?? 0;
    const atStart = rssOf(pid);

    // Queries as people type them: each prefix of a name, its pinyin, its initials, a phone, an ID
    // number or the last four digits goes out as its own search (the search screen sends one per key).
    const random = seededRandom(4242);
    const queries = (): string[] => {
      const person = demoCustomer(random);
      const pick = random();
      const whole = pick < 0.25 ? person.name : pick < 0.45 ? (pinyinSpellings(person.name)[0] ?? person.name) : pick < 0.6 ? (initialsOf(person.name)[0] ?? person.name) : pick < 0.75 ? person.mobile : pick < 0.85 ? person.mobile.slice(-4) : person.idNumber;
      const chars = [...whole];
      return chars.map((_, index) => chars.slice(0, index + 1).join(''));
    };
    const sources = ['walk_in', 'paper_form', 'online'] as const;
    let sent = 0;
    let peakRss = atStart.rss;
    const samples: Array<{ searches: number; rss: number }> = [];
    const started = performance.now();
    while (sent < searches) {
      for (const query of queries()) {
        await client.call('customers.search', { query, limit: UI_LIMIT });
        sent += 1;
      }
      // Now and then a filter with no query, and two more pages of it.
      if (random() < 0.1) {
        let after: string | undefined;
        for (let page = 0; page < 3; page += 1) {
          const result = (await client.call('customers.search', { query: '', source: sources[Math.floor(random() * sources.length)] ?? 'walk_in', limit: UI_LIMIT, ...(after ? { after } : {}) })) as { ok: boolean; value?: Array<{ cursor?: string }> };
          sent += 1;
          after = result.ok && result.value?.length === UI_LIMIT ? result.value.at(-1)?.cursor : undefined;
          if (!after) break;
        }
      }
      if (samples.length === 0 || sent - (samples.at(-1)?.searches ?? 0) >= Math.max(1, Math.floor(searches / 10))) {
        const now = rssOf(pid).rss;
        peakRss = Math.max(peakRss, now);
        samples.push({ searches: sent, rss: now });
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const atEnd = rssOf(pid);
    client.close();
    console.log(`\nMemory: a long session of searches at ${count.toLocaleString('en')} customers (browser host + core worker, one process) — goal: < 300 MB`);
    console.log(`Date: ${new Date().toISOString()}; load average ${loadAverage()} (1, 5, 15 min)`);
    console.log(`${'measure'.padEnd(60)}${'MB'.padStart(8)}   baseline (same run)`);
    console.log(`${`RSS after ${sent.toLocaleString('en')} searches (${seconds.toFixed(0)} s)`.padEnd(60)}${atEnd.rss.toFixed(0).padStart(8)}   ${atStart.rss.toFixed(0)} MB: the same process just after sign-in`);
    console.log(`${'RSS, highest sampled during the session'.padEnd(60)}${peakRss.toFixed(0).padStart(8)}`);
    console.log(`${'RSS peak of the process (VmHWM, start-up included)'.padEnd(60)}${atEnd.peak.toFixed(0).padStart(8)}`);
    console.log(`RSS along the session (searches → MB): ${samples.map((each) => `${each.searches.toLocaleString('en')} → ${each.rss.toFixed(0)}`).join(', ')}`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}
