/**
 * The last step of each referral this run of the mini-program has shown, in memory only (the
 * phone's storage keeps nothing but the language). Opening the referral page again for the
 * same conversation shows that step instead of sending "yes, ask my township" a second time,
 * which in the consent question would read as a consent the resident never tapped.
 */
import type { Step } from '../api/referral-dialog';

const steps = new Map<string, Step>();

export function recall(id: string): Step | undefined {
  return steps.get(id);
}

export function remember(id: string, step: Step): void {
  steps.set(id, step);
}
