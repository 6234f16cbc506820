#!/usr/bin/env node
// `npm start`: build what is stale, then run the Electron shell. Where the Electron runtime is
// missing and cannot be downloaded, say so in one line and run the browser host instead.
// INTAKE_DESK_SHELL=browser forces the browser host; INTAKE_DESK_DATA_DIR picks the data folder.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { NATIVE_MODULE, ensureNodeBinding, loadsIn, root } from './native.mjs';
import { isStale } from './build.mjs';

const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    const binary = require('electron'); // a path string when the runtime is installed; throws otherwise
    return typeof binary === 'string' && fs.existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

function obtainElectron() {
  const existing = electronBinary();
  if (existing) return existing;
  // The runtime's install step is skipped by npm (see package.json allowScripts); try it once here.
  const installer = path.join(root, 'node_modules', 'electron', 'install.js');
  if (!fs.existsSync(installer)) return undefined;
  spawnSync(process.execPath, [installer], { cwd: path.dirname(installer), stdio: 'ignore', timeout: 120_000 });
  return electronBinary();
}

function electronReady(binary) {
  if (loadsIn(binary, { ELECTRON_RUN_AS_NODE: '1' })) return true;
  // Build the SQLCipher binding for Electron's ABI (npm test switches it back for Node when needed).
  const rebuild = spawnSync(process.execPath, [require.resolve('@electron/rebuild/lib/cli.js'), '-f', '-o', NATIVE_MODULE], { cwd: root, stdio: 'inherit' });
  return rebuild.status === 0 && loadsIn(binary, { ELECTRON_RUN_AS_NODE: '1' });
}

function runBrowserHost(reason) {
  if (reason) console.log(`${reason}; starting the browser host instead.`);
  ensureNodeBinding();
  // In this very process: a second Node process would add its start-up (about 70–130 ms here) to
  // `npm start` → sign-in painted (issue 12). The host handles its own signals and exit code.
  require(path.join(root, 'dist/electron/browser-host.cjs'));
}

function forward(child) {
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 0));
}

// Checked here, without a second Node process, when nothing is stale (the usual start).
if (isStale()) {
  const build = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

if (process.env.INTAKE_DESK_SHELL === 'browser') {
  runBrowserHost();
} else {
  const binary = obtainElectron();
  if (!binary) runBrowserHost('The Electron runtime is not installed and could not be downloaded here');
  else if (!electronReady(binary)) runBrowserHost(`${NATIVE_MODULE} could not be built for Electron`);
  else forward(spawn(binary, [root], { stdio: 'inherit', env: process.env }));
}
