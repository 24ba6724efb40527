/**
 * Home visits (入户): the date and time a caseworker agreed with the household, read from the
 * visit form (zod, in China's time zone, never in the past), and a caseworker's visits grouped
 * by day, today first, then the days ahead.
 */
import { z } from 'zod';
import { closedStatuses, type ReferralRecord } from '../../bot/referral/referral-record.ts';
import { chinaDate, chinaDateTime } from './referral-view.ts';

/** An input sanity bound, not a policy: a visit further ahead than this is a typing mistake. */
const furthestAheadMs = 366 * 24 * 3600_000;

const visitFormSchema = z.object({
  date: z
    .string()
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/),
  time: z
    .string()
    .trim()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/),
  /** "1": also move the case to 已约入户 (visit_scheduled). */
  schedule: z.literal('1').optional(),
});

export type VisitForm = { date: string; time: string; schedule: boolean };
export type VisitRead =
  | { ok: true; at: string; schedule: boolean }
  | { ok: false; error: 'invalid' | 'past' | 'too_far'; values: VisitForm };

/** The form as typed, kept so a refused form comes back filled in (nothing entered is lost). */
const typed = (body: Record<string, unknown>): VisitForm => ({
  date: typeof body.date === 'string' ? body.date.slice(0, 10) : '',
  time: typeof body.time === 'string' ? body.time.slice(0, 5) : '',
  schedule: body.schedule === '1',
});

export function readVisitForm(body: Record<string, unknown>, now: Date): VisitRead {
  const values = typed(body);
  const parsed = visitFormSchema.safeParse(body);
  if (!parsed.success) return { ok: false, error: 'invalid', values };
  const { date, time } = parsed.data;
  // Beijing time, which Xinjiang's offices keep; 2026-02-30 rolls over in Date, so compare back.
  const at = new Date(`${date}T${time}:00+08:00`);
  if (Number.isNaN(at.getTime()) || chinaDate(at.toISOString()) !== date)
    return { ok: false, error: 'invalid', values };
  if (at.getTime() < now.getTime()) return { ok: false, error: 'past', values };
  if (at.getTime() - now.getTime() > furthestAheadMs) return { ok: false, error: 'too_far', values };
  return { ok: true, at: at.toISOString(), schedule: parsed.data.schedule === '1' };
}

/** The form's fields for a visit already set (China time), to move it. */
export function visitFormValues(r: ReferralRecord): VisitForm {
  if (!r.visitAt) return { date: '', time: '', schedule: r.status !== 'visit_scheduled' };
  const [date, time] = chinaDateTime(r.visitAt).split(' ');
  return { date: date!, time: time!, schedule: false };
}

export interface VisitDay {
  day: string;
  today: boolean;
  visits: ReferralRecord[];
}

/**
 * One caseworker's visits from today on (China's calendar), open cases only, by day then time;
 * same time: by reference, so the order never changes between loads.
 */
export function visitDays(items: Iterable<ReferralRecord>, assignee: string, now: Date): VisitDay[] {
  const today = chinaDate(now.toISOString());
  const mine = [...items].filter(
    (r) =>
      r.assignee === assignee &&
      r.visitAt !== undefined &&
      !closedStatuses.has(r.status) &&
      chinaDate(r.visitAt) >= today,
  );
  mine.sort((a, b) =>
    a.visitAt! < b.visitAt! ? -1 : a.visitAt! > b.visitAt! ? 1 : a.reference < b.reference ? -1 : 1,
  );
  const days: VisitDay[] = [];
  for (const r of mine) {
    const day = chinaDate(r.visitAt!);
    const last = days.at(-1);
    if (last?.day === day) last.visits.push(r);
    else days.push({ day, today: day === today, visits: [r] });
  }
  return days;
}

/** Monday to Sunday of this week in China, as calendar days (for "visits this week"). */
export function chinaWeek(now: Date): { from: string; to: string } {
  const china = new Date(now.getTime() + 8 * 3600_000);
  const weekday = (china.getUTCDay() + 6) % 7; // Monday 0
  const monday = new Date(china.getTime() - weekday * 24 * 3600_000);
  const sunday = new Date(monday.getTime() + 6 * 24 * 3600_000);
  return { from: monday.toISOString().slice(0, 10), to: sunday.toISOString().slice(0, 10) };
}
