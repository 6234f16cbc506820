// A few thousand fuzzed messages over the real WebSocket of a host running as `npm start` runs it
// (scripts/fuzz/engine.ts; `npm run fuzz -- --messages 100000` runs the full count). Every answer
// is an error code or a valid result, the host never exits and its core worker never restarts.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFuzz, setUpForFuzz, type FuzzTarget } from '../../scripts/fuzz/engine';
import { redeemLaunchUrl, startHostProcess, type HostProcess } from '../../scripts/fuzz/host-process';
import { ROOT, tempDataDir } from '../support/desk';

let host: HostProcess;
let target: FuzzTarget;

beforeAll(async () => {
  host = await startHostProcess(path.join(ROOT, 'dist', 'electron', 'browser-host.cjs'), tempDataDir('fuzz'));
  target = {
    origin: host.origin,
    cookie: await redeemLaunchUrl(host.launchUrl),
    credentials: { username: 'fuzz.manager', password: 'FuzzManager2026' },
    alive: host.alive,
    workerRestarts: host.workerRestarts,
  };
  await setUpForFuzz(target);
});
afterAll(() => host?.stop());

describe('fuzz over the WebSocket', () => {
  it('answers 4,000 random messages and bad frames, with and without a session, without a crash', { timeout: 120_000 }, async () => {
    const report = await runFuzz(target, { messages: 4_000, seed: 20_261_206, round: 500 });
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ messages: 4_000, crashes: 0 });
    expect(report.signedInRounds).toBeGreaterThan(0);
    expect(host.alive()).toBe(true);
    expect(host.workerRestarts()).toBe(0);
  });
});
