/**
 * A pre-screened referral as stored: made only from a finished screening with the resident's
 * consent, and written durably before its reference number is shown.
 */
import { z } from 'zod';
import type { ScreenResult } from '../../rules/engine/result.ts';
import type { Session } from '../dialog/session.ts';

export const referralSchema = z.strictObject({
  reference: z.string(),
  createdAt: z.string(),
  channel: z.string(),
  lang: z.enum(['zh', 'ug', 'kk']),
  jurisdiction: z.string(),
  township: z.string().optional(),
  /** The answers as given (health, disability, income: stored only with consent). */
  answers: z.record(z.string(), z.unknown()),
  programs: z.array(
    z.strictObject({
      id: z.string(),
      verdict: z.enum(['likely', 'possible', 'unlikely']),
      tier: z.string().optional(),
      monthlyAmount: z.number().optional(),
      amount: z.number().optional(),
    }),
  ),
  name: z.string(),
  phone: z.string(),
  idNumber: z.string().optional(),
  status: z.literal('new'),
});
export type ReferralRecord = z.infer<typeof referralSchema>;

export function referralRecord(
  reference: string,
  session: Session,
  result: ScreenResult,
  channel: string,
  now: string,
): ReferralRecord {
  const r = session.referral;
  if (!r?.consent || !r.name || !r.phone) throw new Error('a referral needs consent, a name and a phone');
  return {
    reference,
    createdAt: now,
    channel,
    lang: session.lang,
    jurisdiction: result.jurisdiction,
    ...(session.answers.township ? { township: session.answers.township } : {}),
    answers: JSON.parse(JSON.stringify(session.answers)),
    programs: result.programs.map((p) => ({
      id: p.id,
      verdict: p.verdict,
      ...(p.tier !== undefined ? { tier: p.tier } : {}),
      ...(p.monthlyAmount !== undefined ? { monthlyAmount: p.monthlyAmount } : {}),
      ...(p.amount !== undefined ? { amount: p.amount } : {}),
    })),
    name: r.name,
    phone: r.phone,
    ...(r.idNumber ? { idNumber: r.idNumber } : {}),
    status: 'new',
  };
}
