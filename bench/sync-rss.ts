/**
 * The desk's RSS through a long first pull, in a process of its own that loads only the desk's core
 * and the sync path (not the other benchmarks' bundle, a browser driver among them), so that what it
 * reports is the desk's memory: `node dist/bench/sync-rss.cjs --pull-ops N` (run by `npm run bench`).
 */
import { benchSyncPull } from './sync';

const at = process.argv.indexOf('--pull-ops');
const count = Number(at >= 0 ? process.argv[at + 1] : 1_000_000);
benchSyncPull(0, count).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
