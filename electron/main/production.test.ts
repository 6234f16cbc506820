// The production rules of the Electron shell that need no Electron: the data-folder override is
// ignored in an installed desk, and the unpacked SQLCipher binding must match the SHA-256 recorded
// inside app.asar at packaging time (a real file in a temp folder laid out like resources/).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NATIVE_BINDING_PATH, dataDirOverride, sha256OfFile, verifyNativeBinding } from './production';

function installedLayout(binding: string): { resources: string; record: string } {
  const resources = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-desk-resources-'));
  const file = path.join(resources, ...NATIVE_BINDING_PATH);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, binding);
  const record = path.join(resources, 'native-integrity.json');
  fs.writeFileSync(record, JSON.stringify({ file: NATIVE_BINDING_PATH.slice(1).join('/'), sha256: sha256OfFile(file) }));
  return { resources, record };
}

describe('data folder override', () => {
  it('honours INTAKE_DESK_DATA_DIR in development and ignores it when packaged', () => {
    expect(dataDirOverride({ isPackaged: false, env: { INTAKE_DESK_DATA_DIR: 'some/folder' } })).toBe(path.resolve('some/folder'));
    expect(dataDirOverride({ isPackaged: true, env: { INTAKE_DESK_DATA_DIR: '/tmp/elsewhere' } })).toBeUndefined();
    expect(dataDirOverride({ isPackaged: false, env: {} })).toBeUndefined();
  });
});

describe('native module integrity', () => {
  it('accepts the binding it was packaged with', () => {
    const { resources, record } = installedLayout('binding as built');
    expect(verifyNativeBinding(record, resources)).toEqual({ ok: true });
  });

  it('accepts the record the packaging hook writes (scripts/record-native-integrity.mjs)', async () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-desk-project-'));
    const built = path.join(project, ...NATIVE_BINDING_PATH.slice(1));
    fs.mkdirSync(path.dirname(built), { recursive: true });
    fs.writeFileSync(built, 'binding rebuilt for Electron');
    fs.mkdirSync(path.join(project, 'dist', 'electron'), { recursive: true });
    const hookUrl = pathToFileURL(path.resolve(__dirname, '..', '..', 'scripts', 'record-native-integrity.mjs')).href;
    const hook = (await import(hookUrl)) as { default: (context: { packager: { projectDir: string } }) => Promise<void> };
    await hook.default({ packager: { projectDir: project } });
    // electron-builder then unpacks the same file next to app.asar.
    const { resources } = installedLayout('binding rebuilt for Electron');
    expect(verifyNativeBinding(path.join(project, 'dist', 'electron', 'native-integrity.json'), resources)).toEqual({ ok: true });
  });

  it('refuses a replaced binding, a missing binding and a missing record', () => {
    const { resources, record } = installedLayout('binding as built');
    const binding = path.join(resources, ...NATIVE_BINDING_PATH);
    fs.writeFileSync(binding, 'binding swapped after installation');
    expect(verifyNativeBinding(record, resources)).toMatchObject({ ok: false, problem: expect.stringContaining('not the one this desk was installed with') });
    fs.rmSync(binding);
    expect(verifyNativeBinding(record, resources)).toMatchObject({ ok: false, problem: expect.stringContaining('missing') });
    expect(verifyNativeBinding(path.join(resources, 'nothing.json'), resources)).toMatchObject({ ok: false, problem: expect.stringContaining('integrity record') });
  });
});
