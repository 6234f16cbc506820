/**
 * Runs a CommonJS bundle (the core) in this thread from V8's code cache when one is kept for it:
 * the compiled form of the bundle and of the functions its start-up ran, so that a start neither
 * pre-parses 2.6 MB of JavaScript nor compiles those functions again (about 120–140 ms of CPU of the
 * core's 300 on this machine; issue 12, docs/decisions/0038). On two cores that CPU was taken from
 * the window loading the sign-in screen at the same moment.
 *
 * The cache sits beside the bundle (`.v8-cache/`), with the bundle's own trust: whoever can change
 * it can change the bundle. Its name carries a hash of the bundle's text and V8's version, so a new
 * build or another runtime (Electron's V8) never reads an old one: V8's own check compares only the
 * source's length, and would run an old build's code for a new bundle of the same length. A missing
 * or rejected cache is written once the bundle has run and
 * the process has been quiet a while (`writeAfterMs`); a folder that cannot be written (a packaged,
 * read-only app) only means no cache.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

export interface CodeCacheRun {
  /** Whether the bundle ran from the cache (false: compiled from source). */
  readonly fromCache: boolean;
}

const CACHE_DIR = '.v8-cache';

function cacheFileOf(bundleFile: string, source: string): string {
  // Identity, not secrecy: SHA-1 of 2.6 MB takes about 5 ms here.
  const digest = createHash('sha1').update(source).digest('hex').slice(0, 16);
  const name = `${path.basename(bundleFile)}-${digest}-${process.versions.v8}-${process.arch}.bin`;
  return path.join(path.dirname(bundleFile), CACHE_DIR, name);
}

function readCache(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Replace the cache (and any left by older builds) without ever leaving half a file under its name. */
function writeCache(file: string, data: Buffer): void {
  try {
    const folder = path.dirname(file);
    fs.mkdirSync(folder, { recursive: true });
    const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    fs.writeFileSync(temporary, data);
    fs.renameSync(temporary, file);
    const prefix = `${path.basename(file).split('-')[0]}-`;
    for (const other of fs.readdirSync(folder)) {
      if (other !== path.basename(file) && other.startsWith(prefix) && other.endsWith('.bin')) fs.rmSync(path.join(folder, other), { force: true });
    }
  } catch {
    // A read-only app folder: the next start compiles from source, as without a cache.
  }
}

/**
 * Run `bundleFile` as a CommonJS module of this thread, from the cache when it is there and
 * accepted; write the cache `writeAfterMs` after the run when it was not.
 */
export function runWithCodeCache(bundleFile: string, writeAfterMs: number): CodeCacheRun {
  const source = fs.readFileSync(bundleFile, 'utf8');
  const cacheFile = cacheFileOf(bundleFile, source);
  const cachedData = readCache(cacheFile);
  const script = new vm.Script(Module.wrap(source), { filename: bundleFile, ...(cachedData ? { cachedData } : {}) });
  const fromCache = cachedData !== undefined && script.cachedDataRejected === false;
  const run = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
  const module = { exports: {} };
  run.call(module.exports, module.exports, Module.createRequire(bundleFile), module, bundleFile, path.dirname(bundleFile));
  // Made after the run, the cache holds the functions start-up compiled too, not only the top level.
  if (!fromCache) setTimeout(() => writeCache(cacheFile, script.createCachedData()), writeAfterMs).unref();
  return { fromCache };
}
