/** Typed calls into the core, driven by the shared contract. Errors come back as values, never thrown. */
import { EVENTS, type EventName, type EventPayload, type MethodInput, type MethodName, type MethodOutput, type RpcResult } from '../../../shared/api';
import { bridge } from './transport';

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
      const parsed = EVENTS[event].safeParse(payload);
      if (parsed.success) listener(parsed.data as EventPayload<E>);
    });
  },
  shell: bridge.shell,
};
