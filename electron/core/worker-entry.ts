/**
 * The core worker's entry (built as `core-worker.cjs`): runs the core's bundle (`core.cjs`, built
 * from worker.ts) from V8's code cache when there is one (code-cache.ts, docs/decisions/0038).
 * `INTAKE_DESK_NO_CODE_CACHE=1` runs it the plain way, compiled from source.
 */
import path from 'node:path';
import { runWithCodeCache } from './code-cache';
import { boundHeapGrowth } from './memory';

/** The cache is written this long after the core started, not while the first screen loads. */
const WRITE_CACHE_AFTER_MS = 10_000;

// The core sets this V8 flag as it opens; V8 rejects a cache made under other flags than the
// compile's, so it is set before the compile too (the cache is made after the core has run).
boundHeapGrowth();
const core = path.join(__dirname, 'core.cjs');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the core's bundle, by path, as Node loads it
if (process.env['INTAKE_DESK_NO_CODE_CACHE'] === '1') require(core);
else runWithCodeCache(core, WRITE_CACHE_AFTER_MS);
