// Issue 10, item 10: the chaos run ends converged with nothing lost or doubled, and the server's
// data folder holds none of the personal values that were synced through it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDataDir } from '../support/desk';

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? filesUnder(path.join(dir, entry.name)) : [path.join(dir, entry.name)]));
}

describe('npm run chaos', () => {
  it('loses and doubles nothing under dropped, cut, duplicated and delayed requests, desk processes killed with SIGKILL mid-sync and a restarted server; the server never holds a personal value', () => {
    const keep = tempDataDir('chaos');
    const output = execFileSync(process.execPath, [path.join(ROOT, 'dist', 'cli', 'chaos.cjs'), '--desks', '3', '--ops', '60', '--seed', '11', '--keep', keep], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const last = output.trim().split('\n').at(-1) ?? '';
    expect(last).toMatch(/^chaos: desks 3 ops 60 lost 0 duplicated 0 converged yes digest [0-9a-f]{64}$/);
    // Desks are real processes, and some were killed in the middle of a sync round.
    expect(Number(/(\d+) desk processes killed \(SIGKILL\) mid-sync/.exec(output)?.[1] ?? 0)).toBeGreaterThan(0);
    const sample = fs.readFileSync(path.join(keep, 'plaintext-sample.txt'), 'utf8').trim().split('\n');
    expect(sample.length).toBeGreaterThanOrEqual(20);
    const files = filesUnder(path.join(keep, 'server')).map((file) => fs.readFileSync(file));
    expect(files.length).toBeGreaterThan(0);
    for (const value of sample) {
      const needle = Buffer.from(value, 'utf8');
      expect(files.some((content) => content.includes(needle)), value.replace(/./g, '*')).toBe(false);
    }
  }, 180_000);
});
