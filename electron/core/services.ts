/** The core's services wired to one database: built once per worker, passed to every handler. */
import type { EventName, EventPayload } from '../../shared/api/events';
import { AuditLog } from './audit/audit-log';
import { SessionStore } from './auth/sessions';
import type { CoreContext } from './context';
import { MetaRepo } from './db/meta-repo';
import { OpLog } from './oplog/oplog';
import { OP_KINDS } from './op-kinds';
import { CustomerRepo } from './customers/customer-repo';
import { DraftRepo } from './intake/draft-repo';
import { ConfigRepo } from './settings/config-repo';
import { StaffRepo } from './staff/staff-repo';

export type Emit = <E extends EventName>(clientId: string | null, event: E, payload: EventPayload<E>) => void;

export interface Services {
  readonly ctx: CoreContext;
  readonly meta: MetaRepo;
  readonly ops: OpLog;
  readonly audit: AuditLog;
  readonly staff: StaffRepo;
  readonly config: ConfigRepo;
  readonly sessions: SessionStore;
  readonly customers: CustomerRepo;
  readonly drafts: DraftRepo;
  readonly emit: Emit;
  /** Run `work` in one IMMEDIATE transaction: its ops, projections and audit entries commit together. */
  transact<T>(work: () => T): T;
}

export function createServices(ctx: CoreContext, emit: Emit): Services {
  const { db } = ctx;
  return {
    ctx,
    meta: new MetaRepo(db),
    ops: new OpLog(db, ctx, OP_KINDS),
    audit: new AuditLog(db, ctx),
    staff: new StaffRepo(db),
    config: new ConfigRepo(db),
    sessions: new SessionStore(),
    customers: new CustomerRepo(db),
    drafts: new DraftRepo(db),
    emit,
    transact: (work) => db.transaction(work).immediate(),
  };
}
