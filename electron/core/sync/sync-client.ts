/**
 * The desk's HTTP client for the central server: every request signed with this desk's Ed25519 key
 * (shared/api/sync-contract.ts), every answer validated with the contract's schemas. Failures are
 * classified into what staff are told (`SyncProblem`), never with a request value in the message.
 */
import type { KeyObject } from 'node:crypto';
import type { z } from 'zod';
import { SYNC_ENDPOINTS, errorResponseSchema, type SyncErrorCode } from '../../../shared/api/sync-contract';
import { signRequestHeaders } from './wire-signing';

/** What the status bar says when sync is not working (renderer/src/i18n: `sync.problem.*`). */
export type SyncProblem =
  | 'server_unreachable' // no answer: offline, or the server is down
  | 'bad_server_address' // an address that is not a server of ours (wrong host, not our API)
  | 'desk_revoked'
  | 'desk_pending'
  | 'unknown_desk' // the server does not know this desk (wrong server or site)
  | 'clock_skew'
  | 'rate_limited'
  | 'server_error'
  | 'refused';

export class SyncError extends Error {
  constructor(
    readonly problem: SyncProblem,
    readonly code: SyncErrorCode | 'network' | 'invalid_response',
    message: string,
  ) {
    super(message);
    this.name = 'SyncError';
  }
}

type Endpoint = keyof typeof SYNC_ENDPOINTS;
type Response<E extends Endpoint> = z.infer<(typeof SYNC_ENDPOINTS)[E]['response']>;

/** What a request needs to know of its endpoint. */
export interface EndpointSpec<T> {
  method: 'GET' | 'POST';
  path: string;
  signed: boolean | 'self';
  response: z.ZodType<T>;
}

export interface SyncCredentials {
  siteId: string;
  deskId: string;
  signingKey: KeyObject;
}

const PROBLEM_OF: Partial<Record<SyncErrorCode, SyncProblem>> = {
  desk_revoked: 'desk_revoked',
  desk_pending: 'desk_pending',
  unknown_desk: 'unknown_desk',
  unknown_site: 'unknown_desk',
  clock_skew: 'clock_skew',
  rate_limited: 'rate_limited',
  internal: 'server_error',
  not_found: 'bad_server_address',
  method_not_allowed: 'bad_server_address',
};

export function normaliseServerUrl(text: string): string | null {
  try {
    const url = new URL(text.trim());
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    if (url.username || url.password || url.search || url.hash) return null;
    return url.toString().replace(/\/+$/, '');
  } catch {
    return null;
  }
}

export class SyncClient {
  constructor(
    readonly baseUrl: string,
    private readonly credentials: SyncCredentials,
    private readonly now: () => number,
    private readonly timeoutMs = 15_000,
  ) {}

  async call<E extends Endpoint>(endpoint: E, body?: unknown, query?: Record<string, string>): Promise<Response<E>> {
    const spec: EndpointSpec<unknown> = SYNC_ENDPOINTS[endpoint];
    return this.request(endpoint, spec, body, query) as Promise<Response<E>>;
  }

  /** Any signed endpoint of ours (the sync endpoints above, the online-submission ones in core/online). */
  async request<T>(endpoint: string, spec: EndpointSpec<T>, body?: unknown, query?: Record<string, string>): Promise<T> {
    const search = query ? `?${new URLSearchParams(query).toString()}` : '';
    const path = `${spec.path}${search}`;
    const text = spec.method === 'GET' ? '' : JSON.stringify(body ?? {});
    const headers: Record<string, string> = spec.method === 'GET' ? {} : { 'content-type': 'application/json' };
    if (spec.signed) Object.assign(headers, signRequestHeaders({ privateKey: this.credentials.signingKey, method: spec.method, path, body: text, siteId: this.credentials.siteId, deskId: this.credentials.deskId, now: this.now() }));
    let response: globalThis.Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, { method: spec.method, headers, ...(spec.method === 'GET' ? {} : { body: text }), signal: AbortSignal.timeout(this.timeoutMs) });
    } catch {
      throw new SyncError('server_unreachable', 'network', 'the server did not answer');
    }
    let json: unknown;
    try {
      json = await response.json();
    } catch {
      throw new SyncError(response.status >= 500 ? 'server_error' : 'bad_server_address', 'invalid_response', `the answer (${response.status}) is not JSON`);
    }
    if (!response.ok) {
      const error = errorResponseSchema.safeParse(json);
      if (!error.success) throw new SyncError(response.status >= 500 ? 'server_error' : 'bad_server_address', 'invalid_response', `an unexpected answer (${response.status})`);
      const code = error.data.error.code;
      throw new SyncError(PROBLEM_OF[code] ?? 'refused', code, `the server refused ${endpoint}: ${code}`);
    }
    const parsed = spec.response.safeParse(json);
    if (!parsed.success) throw new SyncError('bad_server_address', 'invalid_response', `the answer to ${endpoint} does not follow the contract`);
    return parsed.data;
  }
}
