/**
 * Request checks for the loopback host: only our own Host (DNS rebinding), only our own Origin on
 * the WebSocket (cross-site requests), and only holders of this launch's cookie.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export const COOKIE_NAME = 'intake_desk';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=()',
};

export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

export function hostAllowed(headers: IncomingHttpHeaders, port: number): boolean {
  return headers.host !== undefined && allowedHosts(port).has(headers.host);
}

export function originAllowed(headers: IncomingHttpHeaders, port: number): boolean {
  const origin = headers.origin;
  if (origin === undefined || headers.host === undefined) return false;
  return origin === `http://${headers.host}` && allowedHosts(port).has(headers.host);
}

export function readCookie(headers: IncomingHttpHeaders, name: string): string | undefined {
  const header = headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** A launch link that has not been opened within this time no longer works. */
export const LAUNCH_TOKEN_TTL_MS = 2 * 60_000;

/** Browser clients of this launch: cookie secret → client id. */
export class ClientRegistry {
  /** One-time launch tokens → when each was issued. */
  private readonly tokens = new Map<string, number>();
  private readonly clients = new Map<string, string>();
  private counter = 0;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly tokenTtlMs = LAUNCH_TOKEN_TTL_MS,
  ) {}

  /** A one-time token for the launch URL; exchanged for a cookie on first use, within the TTL. */
  issueToken(): string {
    this.forgetExpired();
    const token = newSecret();
    this.tokens.set(token, this.now());
    return token;
  }

  redeem(token: string | null): string | undefined {
    this.forgetExpired();
    if (!token || !this.tokens.delete(token)) return undefined;
    const secret = newSecret();
    this.counter += 1;
    this.clients.set(secret, `browser-${this.counter}`);
    return secret;
  }

  private forgetExpired(): void {
    const now = this.now();
    for (const [token, issuedAt] of this.tokens) if (now - issuedAt >= this.tokenTtlMs) this.tokens.delete(token);
  }

  clientOf(secret: string | undefined): string | undefined {
    if (!secret) return undefined;
    for (const [known, clientId] of this.clients) {
      const a = Buffer.from(known);
      const b = Buffer.from(secret);
      if (a.length === b.length && timingSafeEqual(a, b)) return clientId;
    }
    return undefined;
  }
}
