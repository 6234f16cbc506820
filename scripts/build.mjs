#!/usr/bin/env node
// Builds what is stale: the Node bundles (Electron main and preload, the core worker, the browser
// host, CLI tools, benchmarks) with esbuild, and the renderer with Vite. `--force` rebuilds all.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const quiet = args.has('--quiet');
const force = args.has('--force');
const say = (line) => quiet || console.log(line);

const SOURCES = ['electron', 'shared', 'renderer', 'server', 'scripts', 'bench', 'resources', 'package.json', 'vite.config.ts', 'tsconfig.json'];
const STAMP = path.join(root, 'dist', '.build-stamp');

function newestMtime(entry) {
  const full = path.join(root, entry);
  if (!fs.existsSync(full)) return 0;
  const stat = fs.statSync(full);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const child of fs.readdirSync(full)) {
    // Hidden folders hold data, not sources (bench/.data: the benchmark's cached databases, written
    // while it runs); counting them made every `npm start` after a bench rebuild everything.
    if (child === 'node_modules' || child === 'dist' || child.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(path.join(entry, child)));
  }
  return newest;
}

export function isStale() {
  if (!fs.existsSync(STAMP)) return true;
  const built = fs.statSync(STAMP).mtimeMs;
  return SOURCES.some((entry) => newestMtime(entry) > built);
}

/**
 * The customer's online page (server/page, issue 15): a small browser bundle. It takes only the parts of
 * the message catalogs it shows, and libphonenumber's `mobile` metadata instead of `max` (the page asks
 * for mobile numbers; the desk re-validates every value with `max` when it loads a submission).
 */
const PAGE_CATALOG_KEYS = [['onlinePage'], ['intake', 'field'], ['intake', 'option'], ['fieldError']];
const pageCatalogSubset = {
  name: 'page-catalog-subset',
  setup(build) {
    build.onLoad({ filter: /renderer[\\/]src[\\/]i18n[\\/][\w-]+\.json$/ }, async (args) => {
      const full = JSON.parse(await fs.promises.readFile(args.path, 'utf8'));
      const subset = {};
      for (const keys of PAGE_CATALOG_KEYS) {
        let from = full;
        let to = subset;
        keys.forEach((key, index) => {
          from = from?.[key];
          if (index === keys.length - 1) to[key] = from;
          else to = to[key] ??= {};
        });
      }
      return { contents: JSON.stringify(subset), loader: 'json' };
    });
  },
};

/** esbuild is loaded when something is built: `npm start` imports this file only to ask `isStale()`. */
async function esbuild(options) {
  const { build } = await import('esbuild');
  return build(options);
}

export async function buildOnlinePage() {
  await esbuild({
    entryPoints: { page: 'server/page/main.ts' },
    bundle: true,
    platform: 'browser',
    format: 'iife',
    // WeChat's built-in browser (XWeb / Chromium 80+) and iOS Safari 15+.
    target: ['es2019', 'chrome80', 'safari15'],
    minify: true,
    legalComments: 'none',
    sourcemap: false,
    logLevel: 'warning',
    outdir: 'dist/online-page',
    alias: { 'libphonenumber-js/max': 'libphonenumber-js/mobile' },
    plugins: [pageCatalogSubset],
  });
  await fs.promises.copyFile('server/page/page.css', 'dist/online-page/page.css');
}

/**
 * pdf-lib, fontkit and qrcode are half of the core worker's code, and the core only needs them when a
 * form is printed or a PDF scan comes in (they are loaded by dynamic import). Bundled in, V8 still
 * parses all of it at every start of the core (about 60 ms here, on the way to the sign-in screen,
 * issue 12); as files of their own in dist/electron/vendor/ they are read only when first used.
 * Their import() becomes a require() (`supported` below), which also reads from app.asar, and gives
 * the module the same shape as when it was bundled.
 */
const LAZY_VENDOR = ['pdf-lib', '@pdf-lib/fontkit', 'qrcode'];
const requireFromRoot = createRequire(path.join(root, 'package.json'));
const vendorFile = (name) => `vendor/${name.replace(/^@/, '').replace(/\//g, '-')}`;
const lazyVendor = {
  name: 'lazy-vendor',
  setup(build) {
    build.onResolve({ filter: new RegExp(`^(${LAZY_VENDOR.map((name) => name.replace(/[/.]/g, '\\$&')).join('|')})$`) }, (args) =>
      args.kind === 'dynamic-import' ? { path: `./${vendorFile(args.path)}.cjs`, external: true } : undefined,
    );
  },
};

/**
 * The recovery screen's handler (and the whole contract, zod and the search libraries with it) is a
 * file of its own, which the browser host loads only when the database cannot be opened: inside the
 * host's bundle, reading and compiling it held up every `npm start` (issue 12).
 */
const lazyRecovery = {
  name: 'lazy-recovery',
  setup(build) {
    build.onResolve({ filter: /[\\/]backup[\\/]recovery-handler$/ }, (args) => (args.kind === 'dynamic-import' ? { path: './recovery-handler.cjs', external: true } : undefined));
  },
};

export async function build() {
  const node = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    logLevel: 'warning',
    external: ['electron', 'better-sqlite3-multiple-ciphers', 'playwright-core'],
  };
  await Promise.all([
    esbuild({ ...node, plugins: [lazyVendor, lazyRecovery], supported: { 'dynamic-import': false }, entryPoints: { main: 'electron/main/main.ts', 'core-worker': 'electron/core/worker-entry.ts', core: 'electron/core/worker.ts', 'backup-worker': 'electron/core/backup/backup-worker.ts', 'reader-worker': 'electron/core/reader-worker.ts', 'checkpoint-worker': 'electron/core/checkpoint-worker.ts', 'browser-host': 'electron/browser-host/main.ts', 'recovery-handler': 'electron/core/backup/recovery-handler.ts' }, outdir: 'dist/electron', outExtension: { '.js': '.cjs' } }),
    // The libraries the desk loads on demand, each a file of its own beside the bundles (see lazyVendor).
    esbuild({ ...node, sourcemap: false, entryPoints: Object.fromEntries(LAZY_VENDOR.map((name) => [vendorFile(name), requireFromRoot.resolve(name)])), outdir: 'dist/electron', outExtension: { '.js': '.cjs' } }),
    // A sandboxed preload may only require('electron'); everything else is bundled in.
    esbuild({ ...node, entryPoints: { preload: 'electron/preload/preload.ts' }, outdir: 'dist/electron', outExtension: { '.js': '.cjs' }, sourcemap: false }),
    esbuild({ ...node, entryPoints: { 'audit-verify': 'scripts/audit-verify.ts', demo: 'scripts/demo.ts', fuzz: 'scripts/fuzz.ts', rebuild: 'scripts/rebuild.ts', converge: 'scripts/converge.ts', backup: 'scripts/backup.ts', restore: 'scripts/restore.ts', 'form-pdf': 'scripts/form-pdf.ts', 'sample-scans': 'scripts/sample-scans.ts' }, outdir: 'dist/cli', outExtension: { '.js': '.cjs' } }),
    esbuild({ ...node, external: [...node.external, '@electric-sql/pglite', 'pg-native'], entryPoints: { run: 'bench/run.ts', 'sync-rss': 'bench/sync-rss.ts' }, outdir: 'dist/bench', outExtension: { '.js': '.cjs' } }),
    // The sync server: PGlite loads its WebAssembly next to its own module, and pg has an optional native part.
    esbuild({ ...node, external: [...node.external, '@electric-sql/pglite', 'pg-native'], entryPoints: { server: 'server/src/main.ts', 'fuzz-server': 'server/src/fuzz.ts' }, outdir: 'dist/server', outExtension: { '.js': '.cjs' } }),
    // Chaos runs the server and desk cores together (issue 10).
    esbuild({ ...node, external: [...node.external, '@electric-sql/pglite', 'pg-native'], entryPoints: { chaos: 'scripts/chaos.ts' }, outdir: 'dist/cli', outExtension: { '.js': '.cjs' } }),
    buildOnlinePage(),
  ]);
  const { build: viteBuild } = await import('vite');
  // Always React's production build: the test runner calls build() with NODE_ENV=test, which made
  // Vite emit the development JSX runtime (jsxDEV, several times slower per render), and every later
  // `npm start` or `npm run bench` found that build up to date and used it.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await viteBuild({ configFile: path.join(root, 'vite.config.ts'), mode: 'production', logLevel: quiet ? 'warn' : 'info' });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  // The page's head script (added to the page by vite.config.ts), a classic script of its own: it opens the desk's socket while
  // the app's bundle downloads (renderer/src/lib/early-socket.ts). After Vite, which empties the folder.
  await esbuild({ bundle: true, format: 'iife', platform: 'browser', target: 'chrome120', minify: true, logLevel: 'warning', entryPoints: { 'early-socket': 'renderer/early/early-socket.ts' }, outdir: 'dist/renderer' });
  fs.writeFileSync(STAMP, new Date().toISOString());
}

const invokedDirectly = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  process.chdir(root);
  if (force || isStale()) {
    say('Building Intake Desk…');
    await build();
    say('Build complete: dist/');
  } else {
    say('Build is up to date.');
  }
}
