#!/usr/bin/env node
// `npm test`: build, typecheck, lint, unit + integration tests (real SQLCipher, real host), end-to-end
// tests in Debian's Chromium, and the Electron security scan. Ends with one summary line.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureNodeBinding, root } from './native.mjs';

const started = Date.now();
const run = (label, command, args) => {
  console.log(`\n▶ ${label}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env });
  if (result.status !== 0) {
    console.error(`✖ ${label} failed`);
    process.exit(result.status ?? 1);
  }
};
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

ensureNodeBinding();
run('Build', process.execPath, ['scripts/build.mjs']);
run('Typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
run('Lint (including import boundaries)', bin('eslint'), ['--max-warnings=0', '.']);

const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'intake-desk-vitest-')), 'report.json');
console.log('\n▶ Unit, integration and end-to-end tests');
const tests = spawnSync(bin('vitest'), ['run', '--project', 'unit', '--project', 'e2e', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`], { cwd: root, stdio: 'inherit' });
let passed = 0;
let failed = 0;
if (fs.existsSync(report)) {
  const summary = JSON.parse(fs.readFileSync(report, 'utf8'));
  passed = summary.numPassedTests;
  failed = summary.numFailedTests + (summary.numRuntimeErrorTestSuites ?? 0);
}
if (tests.status !== 0 && failed === 0) failed = 1;

run('Electron security scan (electronegativity)', process.execPath, ['scripts/security-scan.mjs']);
const minutes = ((Date.now() - started) / 60_000).toFixed(1);
console.log(`\nnpm test finished in ${minutes} min`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
