/**
 * Which of a jurisdiction's own values are older than the review age: standards are raised
 * every year or two, so an old value is probably out of date. Used by the freshness test and
 * (later) the county admin's page.
 */
import type { Jurisdiction } from './load-rule-book.ts';
import { parameterCatalog } from './parameter-catalog.ts';

/** Own local values (standards, wages, incomes) whose in-force entry (or review date) is older than `staleBefore`, as "name (date)". */
export function staleValues(j: Jurisdiction, today: string, staleBefore: string): string[] {
  const own = j.stack.at(-1)!;
  const out: string[] = [];
  for (const p of own.parameters.values()) {
    // Rules (rates, procedures) do not go stale by age; local standards and amounts do.
    if (!parameterCatalog[p.name].local) continue;
    const inForce = p.entries.filter((e) => e.from <= today).at(-1);
    if (!inForce || inForce.value === null) continue;
    const checked = p.reviewed && p.reviewed > inForce.from ? p.reviewed : inForce.from;
    if (checked < staleBefore) out.push(`${p.name} (${inForce.from})`);
  }
  return out;
}
