/**
 * What every window asks the core before it can show its first screen (renderer/src/app/store.ts
 * `load`): the page's head script sends these at once (renderer/src/lib/early-socket.ts), and the
 * core warms up search only after answering them (electron/core/warm-up-policy.ts).
 */
export const FIRST_SCREEN_METHODS = ['app.info', 'auth.session'] as const;
