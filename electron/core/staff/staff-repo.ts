/** Reads of the staff projection and the desk-local login state. Writes to `staff` go through the op log. */
import type { Staff } from '../../../shared/domain/auth/staff';
import type { Role } from '../../../shared/domain/auth/roles';
import type { Db } from '../db/connection';

interface StaffRow {
  id: string;
  username: string;
  display_name: string;
  role: Role;
  certified: number;
  active: number;
  password_hash: string;
  created_at: number;
  must_change_password: number;
  locked_until: number | null;
  failed_count: number | null;
}

export interface StaffRecord extends Staff {
  passwordHash: string;
  failedCount: number;
}

const SELECT = `SELECT s.*, l.locked_until, l.failed_count FROM staff s LEFT JOIN login_state l ON l.staff_id = s.id`;

function toRecord(row: StaffRow): StaffRecord {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    certified: row.certified === 1,
    active: row.active === 1,
    lockedUntil: row.locked_until,
    createdAt: row.created_at,
    passwordHash: row.password_hash,
    mustChangePassword: row.must_change_password === 1,
    failedCount: row.failed_count ?? 0,
  };
}

export function toPublicStaff(record: StaffRecord, now: number): Staff {
  return {
    id: record.id,
    username: record.username,
    displayName: record.displayName,
    role: record.role,
    certified: record.certified,
    active: record.active,
    lockedUntil: record.lockedUntil !== null && record.lockedUntil > now ? record.lockedUntil : null,
    createdAt: record.createdAt,
    mustChangePassword: record.mustChangePassword,
  };
}

export class StaffRepo {
  private readonly byIdStmt;
  private readonly byUsernameStmt;
  private readonly allStmt;
  private readonly countStmt;
  private readonly activeManagersStmt;
  private readonly loginStateStmt;

  constructor(db: Db) {
    this.byIdStmt = db.prepare<{ id: string }, StaffRow>(`${SELECT} WHERE s.id = :id`);
    this.byUsernameStmt = db.prepare<{ username: string }, StaffRow>(`${SELECT} WHERE s.username = :username`);
    this.allStmt = db.prepare<[], StaffRow>(`${SELECT} ORDER BY s.active DESC, s.display_name`);
    this.countStmt = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM staff');
    this.activeManagersStmt = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM staff WHERE role = 'manager' AND active = 1");
    this.loginStateStmt = db.prepare<{ staffId: string; failedCount: number; lockedUntil: number | null }>(
      `INSERT INTO login_state (staff_id, failed_count, locked_until) VALUES (:staffId, :failedCount, :lockedUntil)
       ON CONFLICT (staff_id) DO UPDATE SET failed_count = excluded.failed_count, locked_until = excluded.locked_until`,
    );
  }

  byId(id: string): StaffRecord | undefined {
    const row = this.byIdStmt.get({ id });
    return row ? toRecord(row) : undefined;
  }

  byUsername(username: string): StaffRecord | undefined {
    const row = this.byUsernameStmt.get({ username });
    return row ? toRecord(row) : undefined;
  }

  all(): StaffRecord[] {
    return this.allStmt.all().map(toRecord);
  }

  count(): number {
    return this.countStmt.get()?.n ?? 0;
  }

  activeManagerCount(): number {
    return this.activeManagersStmt.get()?.n ?? 0;
  }

  setLoginState(staffId: string, failedCount: number, lockedUntil: number | null): void {
    this.loginStateStmt.run({ staffId, failedCount, lockedUntil });
  }
}
