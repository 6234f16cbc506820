/**
 * App-wide refusals: no navigation away (of the page or of any frame in it), no new windows, no
 * webviews, no permission grants; in an installed desk no DevTools either.
 */
import { app, session, type WebContents } from 'electron';
import { APP_ORIGIN } from './app-protocol';

function isOwnPage(url: string): boolean {
  try {
    return new URL(url).origin === APP_ORIGIN;
  } catch {
    return false;
  }
}

export function hardenApp(options: { packaged: boolean }): void {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isOwnPage(url)) event.preventDefault();
    });
    // will-navigate only fires for the main frame; will-frame-navigate covers iframes too.
    contents.on('will-frame-navigate', (event) => {
      if (!isOwnPage(event.url)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isOwnPage(url)) event.preventDefault();
    });
    if (options.packaged) contents.on('devtools-opened', () => contents.closeDevTools());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}

export function isTrustedSender(frameUrl: string | undefined): boolean {
  return frameUrl !== undefined && isOwnPage(frameUrl);
}
