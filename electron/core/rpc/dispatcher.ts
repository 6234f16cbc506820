/**
 * The core's single entry point for RPC. For every request: find the method (`Object.hasOwn`, so
 * `__proto__` and friends are unknown methods), check the session and the permission, parse the
 * input, run the handler, parse the output, and answer `{ok,value}` or `{ok:false,error}`.
 *
 * The session and permission are checked before the input is parsed, so a caller who may not use
 * a method learns nothing about its input schema (docs/decisions/0001-process-split-and-rpc.md).
 */
import { METHODS, isMethodName, type MethodName, type MethodSpec } from '../../../shared/api/contract';
import { fail, requestIdOf, type RpcResponse, type RpcResult } from '../../../shared/api/envelope';
import { fieldErrorsFrom, rpcRequestSchema } from '../../../shared/api/request-schema';
import { hasPermission } from '../../../shared/domain/auth/roles';
import { lockIfIdle } from '../auth/auth-service';
import { classifyStorageError, sqliteCode } from '../db/errors';
import { createLogger } from '../logger';
import type { Services } from '../services';
import { RpcFailure } from './failure';
import { DomainError } from '../errors';
import { HANDLERS, type CallContext } from './handlers';
import type { z } from 'zod';

const log = createLogger('core/rpc');

export async function dispatch(services: Services, clientId: string, raw: unknown): Promise<RpcResponse> {
  const envelope = rpcRequestSchema.safeParse(raw);
  if (!envelope.success) return { id: requestIdOf(raw), result: fail('BAD_REQUEST', 'malformed request envelope') };
  const { id, method, input } = envelope.data;
  if (!isMethodName(method)) return { id, result: fail('UNKNOWN_METHOD', `no method ${method}`) };
  const started = performance.now();
  const result = await run(services, clientId, method, input);
  // Whatever the handler committed, the signed audit head now follows it.
  services.audit.syncHead();
  const ms = performance.now() - started;
  if (ms > 40) log.warn('slow method', { method, ms: Math.round(ms) });
  if (!result.ok && result.error.code === 'INTERNAL') log.error('method failed', { method });
  return { id, result };
}

async function run(services: Services, clientId: string, method: MethodName, input: unknown): Promise<RpcResult<unknown>> {
  const spec: MethodSpec<z.ZodType, z.ZodType> = METHODS[method];
  const call: CallContext = { services, clientId, session: undefined };
  try {
    const refused = authorize(services, clientId, method, spec, call);
    if (refused) return refused;
    const given = input ?? {};
    const parsed = spec.input.safeParse(given);
    if (!parsed.success) return fail('VALIDATION', 'the input is not valid', { fields: fieldErrorsFrom(parsed.error, given) });
    const handler = HANDLERS[method] as (input: unknown, call: CallContext) => unknown;
    const value = await handler(parsed.data, call);
    const output = spec.output.safeParse(value);
    if (!output.success) {
      log.error('handler returned a value outside its output schema', { method });
      return fail('INTERNAL', 'internal error');
    }
    if (spec.mutates) services.emit(null, 'sync.status', { pending: services.ops.outboxSize(), connected: false });
    return { ok: true, value: output.data };
  } catch (error) {
    // Refusals from the core's services, in the wire's terms (the codes are a subset of ErrorCode).
    if (error instanceof RpcFailure || error instanceof DomainError) {
      return fail(error.code, error.message, { ...(error.fields ? { fields: error.fields } : {}), ...(error.details ? { details: error.details } : {}) });
    }
    const storage = classifyStorageError(error);
    if (storage) {
      log.error('storage error', { method, kind: storage, code: sqliteCode(error) ?? null });
      if (storage === 'full') return fail('DISK_FULL', 'the disk is full: nothing was saved; what was typed is still on screen');
      if (storage === 'busy') return fail('DATABASE_BUSY', 'the database is busy; try again');
      return fail('DATABASE_DAMAGED', 'the database could not be read or written; restore from a backup');
    }
    log.error('unexpected error', { method, error: error instanceof Error ? error.name : 'unknown' });
    return fail('INTERNAL', 'internal error');
  }
}

/**
 * What a session may do while its password is still the one a manager set (a new account or a
 * reset): change it, lock, keep the session alive. Public and `session_or_locked` methods (session,
 * unlock, sign out) are not affected. Checked here, so no screen can skip it (issue 11 item 18).
 */
const ALLOWED_BEFORE_PASSWORD_CHANGE: ReadonlySet<MethodName> = new Set<MethodName>(['auth.changePassword', 'auth.lock', 'auth.heartbeat']);

function authorize(services: Services, clientId: string, method: MethodName, spec: MethodSpec<z.ZodType, z.ZodType>, call: CallContext): RpcResult<never> | undefined {
  const session = services.sessions.get(clientId);
  if (spec.access === 'public') {
    call.session = session;
    return undefined;
  }
  if (!session) return fail('UNAUTHENTICATED', 'sign in first');
  const staff = services.staff.byId(session.staffId);
  if (!staff || !staff.active) {
    services.sessions.end(clientId);
    return fail('UNAUTHENTICATED', 'this account can no longer sign in');
  }
  call.session = session;
  if (spec.access === 'session_or_locked') return undefined;
  lockIfIdle(services, session);
  if (session.state === 'locked') return fail('LOCKED', 'the desk is locked; unlock it first');
  if (staff.mustChangePassword && !ALLOWED_BEFORE_PASSWORD_CHANGE.has(method)) {
    return fail('PASSWORD_CHANGE_REQUIRED', 'choose your own password first');
  }
  if (typeof spec.access === 'object' && !hasPermission(staff.role, spec.access.permission)) {
    services.refusals.record(clientId, staff.id, 'rpc.forbidden', null, { permission: spec.access.permission });
    return fail('FORBIDDEN', `your role may not do this (${spec.access.permission})`);
  }
  session.lastActivity = services.ctx.now();
  return undefined;
}
