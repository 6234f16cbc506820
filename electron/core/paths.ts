/** Where a desk keeps its data when nobody says otherwise: the platform's user-data folder. */
import os from 'node:os';
import path from 'node:path';

export const PRODUCT_DIR_NAME = 'Intake Desk';
export const DATABASE_FILE = 'intake-desk.db';

/** Matches Electron's `app.getPath('userData')` for our productName, so both shells share one folder. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const fromEnv = env['INTAKE_DESK_DATA_DIR'];
  if (fromEnv) return path.resolve(fromEnv);
  const home = os.homedir();
  if (platform === 'win32') return path.join(env['APPDATA'] ?? path.join(home, 'AppData', 'Roaming'), PRODUCT_DIR_NAME);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', PRODUCT_DIR_NAME);
  return path.join(env['XDG_CONFIG_HOME'] ?? path.join(home, '.config'), PRODUCT_DIR_NAME);
}

export function databasePath(dataDir: string): string {
  return path.join(dataDir, DATABASE_FILE);
}
