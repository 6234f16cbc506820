// The SQLCipher binding is compiled for one runtime at a time. Tests and the browser host need it
// built for Node; Electron needs it built for Electron's ABI. These helpers check and switch.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const NATIVE_MODULE = 'better-sqlite3-multiple-ciphers';
const probe = `new (require('${NATIVE_MODULE}'))(':memory:').close()`;

export function loadsIn(executable, env = {}) {
  const result = spawnSync(executable, ['-e', probe], { cwd: root, env: { ...process.env, ...env }, stdio: 'ignore', timeout: 60_000 });
  return result.status === 0;
}

/** Whether the binding loads in this very process (no child process to start: `npm start` is timed). */
function loadsHere() {
  try {
    new (createRequire(import.meta.url)(NATIVE_MODULE))(':memory:').close();
    return true;
  } catch {
    return false;
  }
}

/** Make sure the binding loads in this Node; rebuild it from source if it was built for Electron. */
export function ensureNodeBinding(say = console.log) {
  if (loadsHere()) return;
  say(`Rebuilding ${NATIVE_MODULE} for Node ${process.version} (it was built for another runtime)…`);
  const rebuilt = spawnSync('npm', ['rebuild', NATIVE_MODULE], { cwd: root, stdio: 'inherit' });
  if (rebuilt.status !== 0 || !loadsIn(process.execPath)) throw new Error(`${NATIVE_MODULE} could not be rebuilt for Node`);
}
