/** Typed calls into the core, driven by the shared contract. Errors come back as values, never thrown. */
import type { MethodInput, MethodName, MethodOutput, RpcResult } from '../../../shared/api';
import type { EVENTS, EventName, EventPayload } from '../../../shared/api/events';
import { bridge } from './transport';

/**
 * The event schemas (and zod with them) load after the first screen: this module is in the first
 * bundle (the sign-in screen, issue 12). An event that arrives before they have loaded is parsed
 * when they have, in the order it came.
 */
let schemas: typeof EVENTS | undefined;
let schemasLoading: Promise<typeof EVENTS> | undefined;
/**
 * Load the event schemas: called once the first screen has painted (App's prefetch), or by the
 * first event that arrives before that. Loaded at once, their parsing took the renderer's main
 * thread while the sign-in screen was waiting to paint.
 */
export function loadEventSchemas(): Promise<typeof EVENTS> {
  schemasLoading ??= import('../../../shared/api/events').then((module) => {
    schemas = module.EVENTS;
    return module.EVENTS;
  });
  return schemasLoading;
}

let onSessionLost: () => void = () => undefined;

/** Called whenever the core says the session is gone, locked or held for a password change, so the app can show the right screen. */
export function whenSessionLost(handler: () => void): void {
  onSessionLost = handler;
}

export const api = {
  async call<M extends MethodName>(method: M, input?: MethodInput<M>): Promise<RpcResult<MethodOutput<M>>> {
    const result = (await bridge.invoke(method, input ?? {})) as RpcResult<MethodOutput<M>>;
    // A manager reset this account's password meanwhile: the session is re-read and the first-password screen shows.
    if (!result.ok && (result.error.code === 'LOCKED' || result.error.code === 'UNAUTHENTICATED' || result.error.code === 'PASSWORD_CHANGE_REQUIRED') && method !== 'auth.unlock') onSessionLost();
    return result;
  },
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    return bridge.on(event, (payload) => {
      const deliver = (events: typeof EVENTS): void => {
        const parsed = events[event].safeParse(payload);
        if (parsed.success) listener(parsed.data as EventPayload<E>);
      };
      if (schemas) deliver(schemas);
      else void loadEventSchemas().then(deliver);
    });
  },
  shell: bridge.shell,
};
