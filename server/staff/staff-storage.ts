/** Opens the staff data: accounts and sessions (store collections) and the audit log. */
import type { Store } from '../../bot/store/collection-store.ts';
import type { Accounts } from './accounts.ts';
import { AuditLog } from './audit-log.ts';
import { type LocalValues, openLocalValues } from './local-values/local-value-record.ts';
import { staffSessionSchema, staffUserSchema } from './staff-records.ts';

export interface StaffStorage extends Accounts {
  audit: AuditLog;
  /** The county admins' local values, every version (local-values/local-value-record.ts). */
  localValues: LocalValues;
}

/** @param auditKey AUDIT_KEY, if set (otherwise DATA_DIR/keys/audit.key) */
export async function openStaffStorage(
  store: Store,
  dataDir: string,
  auditKey?: string,
): Promise<StaffStorage> {
  const users = await store.collection('staff-users', staffUserSchema);
  return {
    users,
    sessions: await store.collection('staff-sessions', staffSessionSchema),
    // What a staff member does belongs to their county's log.
    audit: AuditLog.open(dataDir, { key: auditKey, countyOf: (id) => users.get(id)?.county }),
    localValues: await openLocalValues(store),
  };
}
