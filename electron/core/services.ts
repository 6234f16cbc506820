/** The core's services wired to one database: built once per worker, passed to every handler. */
import type { EventName, EventPayload } from '../../shared/api/events';
import { AuditLog } from './audit/audit-log';
import { BackupService, type DeskLocation } from './backup/backup-service';
import { SessionStore } from './auth/sessions';
import type { CoreContext } from './context';
import { MetaRepo } from './db/meta-repo';
import { OpLog } from './oplog/oplog';
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
  readonly backups: BackupService;
  readonly emit: Emit;
  /** Run `work` in one IMMEDIATE transaction: its ops, projections and audit entries commit together. */
  transact<T>(work: () => T): T;
}

export function createServices(ctx: CoreContext, emit: Emit, desk?: DeskLocation): Services {
  const { db } = ctx;
  const meta = new MetaRepo(db);
  const audit = new AuditLog(db, ctx);
  return {
    ctx,
    meta,
    ops: new OpLog(db, ctx),
    audit,
    staff: new StaffRepo(db),
    config: new ConfigRepo(db),
    sessions: new SessionStore(),
    customers: new CustomerRepo(db),
    drafts: new DraftRepo(db),
    backups: new BackupService(ctx, meta, audit, desk, (ok) => emit(null, 'backup.changed', { ok })),
    emit,
    transact: (work) => db.transaction(work).immediate(),
  };
}
