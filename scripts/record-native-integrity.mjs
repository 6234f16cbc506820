// electron-builder `afterExtract` hook (electron-builder.yml). It runs after the native modules were
// rebuilt for Electron and before the app files are packed into app.asar, so the SHA-256 of the
// SQLCipher binding written here ends up inside app.asar (dist/electron/native-integrity.json), where
// the asar integrity fuse covers it; the binding itself is unpacked next to the asar (asarUnpack).
// The Electron shell checks the binding against this record at every start (electron/main/production.ts).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export default async function recordNativeIntegrity(context) {
  const projectDir = context.packager.projectDir;
  const binding = path.join(projectDir, 'node_modules', 'better-sqlite3-multiple-ciphers', 'build', 'Release', 'better_sqlite3.node');
  const sha256 = createHash('sha256').update(fs.readFileSync(binding)).digest('hex');
  const record = { file: 'node_modules/better-sqlite3-multiple-ciphers/build/Release/better_sqlite3.node', sha256 };
  fs.writeFileSync(path.join(projectDir, 'dist', 'electron', 'native-integrity.json'), `${JSON.stringify(record, null, 2)}\n`);
  console.log(`  • recorded SHA-256 of the SQLCipher binding  ${sha256}`);
}
