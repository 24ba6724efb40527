/**
 * One county's accounts, read once per request: the names in a page's history, assignee
 * column and pick lists. A county's staff are a few dozen, found by the store's county column
 * (never every account of every county); a page never waits on one query per name.
 */
import type { StaffDeps } from './staff-deps.ts';
import type { StaffUser } from './staff-records.ts';

export type StaffDirectory = ReadonlyMap<string, StaffUser>;

export async function countyStaff(deps: Pick<StaffDeps, 'staff'>, county: string): Promise<StaffDirectory> {
  const found = await deps.staff.users.find({ county });
  // In the order the accounts were made, whatever order the store returns them in.
  found.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
  return new Map(found.map((u) => [u.id, u]));
}

/** The county's caseworkers who are not disabled, by name (the order pick lists show). */
export function activeCaseworkers(staff: StaffDirectory): StaffUser[] {
  return [...staff.values()]
    .filter((u) => !u.disabled && u.role === 'caseworker')
    .sort((a, b) => a.displayName.localeCompare(b.displayName, 'zh-CN'));
}
