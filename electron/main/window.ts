/** The one window factory: every window the app opens is made here, with the same locked-down settings. */
import { BrowserWindow } from 'electron';
import path from 'node:path';
import { APP_ORIGIN } from './app-protocol';

/** `devTools` is false in an installed desk (app.isPackaged): no inspector on customer data. */
export function createDeskWindow(preloadFile: string, options: { devTools: boolean }): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 1024,
    minHeight: 640,
    show: false,
    title: 'Intake Desk',
    webPreferences: {
      // Accepted security-scan finding PRELOAD_JS_CHECK: the preload is our own bundled file and
      // exposes named functions only (electron/preload/preload.ts); it never hands out ipcRenderer.
      preload: path.resolve(preloadFile), // eng-disable PRELOAD_JS_CHECK
      disableBlinkFeatures: 'Auxclick',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: options.devTools,
    },
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(`${APP_ORIGIN}/index.html`);
  return window;
}
