/** Events the core pushes to the renderer. Same envelope discipline as methods: parsed on arrival. */
import { z } from 'zod';

export const EVENTS = {
  'sync.status': z.object({ pending: z.number().int().nonnegative(), connected: z.boolean() }),
  'session.locked': z.object({ reason: z.enum(['idle', 'manual']) }),
  'core.restarted': z.object({ reason: z.string() }),
  /** A backup or drill finished (the manager's Backups section reloads its status). */
  'backup.changed': z.object({ ok: z.boolean() }),
  /** Files were taken from the scanner's watched folder (the scan inbox reloads). */
  'paper.scans_changed': z.object({ imported: z.number().int().nonnegative(), rejected: z.number().int().nonnegative() }),
  /** How far the audit verification this client asked for is: entries checked of the entries there are. */
  'audit.verify.progress': z.object({ done: z.number().int().nonnegative(), total: z.number().int().nonnegative() }),
} as const;

export type EventName = keyof typeof EVENTS;
export type EventPayload<E extends EventName> = z.infer<(typeof EVENTS)[E]>;

export interface RpcEvent {
  event: EventName;
  payload: unknown;
}
