#!/usr/bin/env node
// Runs @doyensec/electronegativity over the Electron code and the renderer's HTML (with its CSP).
// Fails on any finding: accepted ones must be disabled inline with `eng-disable CHECK` and a reason.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const cli = path.join(path.dirname(require.resolve('@doyensec/electronegativity/package.json')), 'dist', 'index.js');
const electronVersion = JSON.parse(fs.readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8')).version;

const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-desk-scan-'));
fs.cpSync(path.join(root, 'electron'), path.join(stage, 'electron'), { recursive: true, filter: (source) => !source.endsWith('.test.ts') });
fs.mkdirSync(path.join(stage, 'renderer'));
fs.copyFileSync(path.join(root, 'renderer/index.html'), path.join(stage, 'renderer/index.html'));
const report = path.join(stage, 'report.sarif');

execFileSync(process.execPath, [cli, '-i', stage, '-r', '-v', 'false', '-e', electronVersion, '-o', report], { stdio: ['ignore', 'ignore', 'inherit'] });
const sarif = JSON.parse(fs.readFileSync(report, 'utf8'));
const findings = sarif.runs.flatMap((run) =>
  (run.results ?? []).map((result) => ({
    check: result.ruleId,
    file: result.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? 'N/A',
    line: result.locations?.[0]?.physicalLocation?.region?.startLine ?? 0,
    message: result.message?.text ?? '',
  })),
);
fs.rmSync(stage, { recursive: true, force: true });

if (findings.length === 0) {
  console.log(`Electron security scan (electronegativity, Electron ${electronVersion}): no findings.`);
  process.exit(0);
}
console.error(`Electron security scan: ${findings.length} finding(s). Fix them, or disable an accepted one inline with a reason.`);
for (const finding of findings) console.error(`  ${finding.check}  ${finding.file}:${finding.line}  ${finding.message}`);
process.exit(1);
