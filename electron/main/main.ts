/**
 * The Electron shell: lifecycle, the window, the app:// protocol, the database key, and one IPC
 * channel relayed to the core worker. No business rule lives here.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu } from 'electron';
import path from 'node:path';
import { version } from '../../package.json';
import { fail } from '../../shared/api/envelope';
import { createLogger } from '../core/logger';
import { CoreStartError, CoreSupervisor } from '../core/supervisor';
import { isRecoverable, recoveryHandler } from '../core/backup/recovery-handler';
import type { RpcResponse } from '../../shared/api/envelope';
import { registerAppScheme, serveRenderer } from './app-protocol';
import { hardenApp, isTrustedSender } from './hardening';
import { loadDatabaseKey } from './key-store';
import { DATA_DIR_VARIABLE, NATIVE_INTEGRITY_FILE, dataDirOverride, verifyNativeBinding } from './production';
import { createDeskWindow } from './window';

const log = createLogger('main');

// INTAKE_DESK_DATA_DIR is for development and tests; an installed desk keeps its data where the OS says.
const dataDirFromEnv = dataDirOverride({ isPackaged: app.isPackaged, env: process.env });
if (dataDirFromEnv) app.setPath('userData', dataDirFromEnv);
else if (app.isPackaged && process.env[DATA_DIR_VARIABLE]) log.warn(`${DATA_DIR_VARIABLE} is ignored in an installed desk`);
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  registerAppScheme();
  app.on('second-instance', () => {
    const [window] = BrowserWindow.getAllWindows();
    if (window) {
      if (window.isMinimized()) window.restore();
      window.focus();
    }
  });
  app.on('window-all-closed', () => app.quit());
  void app.whenReady().then(start);
}

async function start(): Promise<void> {
  hardenApp({ packaged: app.isPackaged });
  if (app.isPackaged) {
    // No default menu (it carries Reload and Toggle Developer Tools) in an installed desk.
    Menu.setApplicationMenu(null);
    const integrity = verifyNativeBinding(path.join(__dirname, NATIVE_INTEGRITY_FILE), process.resourcesPath);
    if (!integrity.ok) {
      log.error('native module integrity check failed');
      dialog.showErrorBox('Intake Desk cannot start', `Reinstall Intake Desk: ${integrity.problem}.`);
      app.quit();
      return;
    }
  }
  serveRenderer(path.join(__dirname, '..', 'renderer'));
  const dataDir = app.getPath('userData');
  let supervisor: CoreSupervisor;
  // A database that cannot be opened gets the recovery screen (docs/decisions/0009-backups.md).
  let recovery: ((request: unknown) => Promise<RpcResponse>) | undefined;
  try {
    supervisor = new CoreSupervisor(path.join(__dirname, 'core-worker.cjs'), { dataDir, keyHex: loadDatabaseKey(dataDir), appVersion: version });
  } catch (error) {
    dialog.showErrorBox('Intake Desk cannot start', error instanceof Error ? error.message : String(error));
    app.quit();
    return;
  }
  try {
    await supervisor.start();
  } catch (error) {
    if (!(error instanceof CoreStartError) || !isRecoverable(error.code)) {
      dialog.showErrorBox('Intake Desk cannot start', error instanceof Error ? error.message : String(error));
      app.quit();
      return;
    }
    log.error('the database cannot be opened; showing the recovery screen', { code: error.code });
    recovery = recoveryHandler(dataDir, error.code, async (restoredKey) => {
      await supervisor.restartAfterRecovery(restoredKey);
      recovery = undefined;
      send(null, { event: 'core.restarted', payload: { reason: 'restored' } });
    });
  }

  ipcMain.handle('desk:invoke', async (event, message: unknown) => {
    if (!isTrustedSender(event.senderFrame?.url)) return fail('FORBIDDEN', 'untrusted sender');
    const request = typeof message === 'object' && message !== null ? { ...message, id: 0 } : message;
    const response = await (recovery ? recovery(request) : supervisor.call(`window-${event.sender.id}`, request));
    return response.result;
  });

  const send = (clientId: string | null, message: unknown): void => {
    for (const window of BrowserWindow.getAllWindows()) {
      if (clientId === null || clientId === `window-${window.webContents.id}`) window.webContents.send('desk:event', message);
    }
  };
  supervisor.on('event', (clientId, event) => send(clientId, event));
  supervisor.on('restarted', (reason) => send(null, { event: 'core.restarted', payload: { reason } }));
  supervisor.on('fatal', (error) => {
    log.error('core cannot run', { code: error.code });
    dialog.showErrorBox('Intake Desk stopped', error.message);
    app.quit();
  });

  const window = createDeskWindow(path.join(__dirname, 'preload.cjs'), { devTools: !app.isPackaged });
  const clientId = `window-${window.webContents.id}`;
  window.webContents.on('destroyed', () => supervisor.clientClosed(clientId));
  // Quitting waits for the core, as the browser host's close does: each window's session is closed
  // (its lock written) and the worker writes the signed audit head before it ends (at most about
  // 2 seconds). Without the wait the process could end first and leave the head behind the log.
  let stopped = false;
  app.on('before-quit', (event) => {
    if (stopped) return;
    event.preventDefault();
    for (const open of BrowserWindow.getAllWindows()) supervisor.clientClosed(`window-${open.webContents.id}`);
    void supervisor
      .stop()
      .catch(() => log.error('the core did not stop cleanly'))
      .finally(() => {
        stopped = true;
        app.quit();
      });
  });
}
