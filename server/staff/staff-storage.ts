/** Opens the staff data: accounts and sessions (store collections) and the audit log. */
import type { Store } from '../../bot/store/collection-store.ts';
import type { Accounts } from './accounts.ts';
import { AuditLog } from './audit-log.ts';
import { staffSessionSchema, staffUserSchema } from './staff-records.ts';

export interface StaffStorage extends Accounts {
  audit: AuditLog;
}

export async function openStaffStorage(store: Store, dataDir: string): Promise<StaffStorage> {
  return {
    users: await store.collection('staff-users', staffUserSchema),
    sessions: await store.collection('staff-sessions', staffSessionSchema),
    audit: AuditLog.open(dataDir),
  };
}
