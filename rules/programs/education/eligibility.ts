/**
 * 教育救助 (001 §三(八)2): children and students from kindergarten to university in 特困, dibao,
 * marginal, rigid-expense or other hard-up families; home schooling for disabled children who
 * cannot attend school. See spec.md.
 */
import { citations } from '../../engine/citations.ts';
import { assistanceStatus } from '../../engine/context.ts';
import { startFinding } from '../../engine/finding.ts';
import type { ProgramRule } from '../../engine/program-rule.ts';

const studying = new Set(['preschool', 'compulsory', 'high_school', 'vocational', 'higher']);

export const education: ProgramRule = {
  id: 'education',
  after: ['dibao', 'tekun', 'marginal', 'rigid_expense'],
  uses: ['members'],
  evaluate(ctx) {
    const f = startFinding(ctx, 'education');
    const rule = f.param('education.assistance');
    if (!rule) {
      // Nothing configured for this county: not screened here; the township knows its rules.
      f.note('program.ask_township');
      return f.done('ask');
    }
    const h = ctx.household;
    const minor = f.param('minor_age');
    const students = h.members.filter((m) => studying.has(m.schooling ?? '')).length;
    const homeSchooling = h.members.some(
      (m) => m.disability && m.schooling === 'none' && m.age < (minor?.value ?? 18),
    );
    if (students === 0 && !homeSchooling) {
      if (h.members.some((m) => m.schooling === undefined && m.age < 30)) {
        f.ask('members.schooling');
        f.unknown('education.schooling_unknown', {}, rule);
        return f.done('possible');
      }
      f.failed('education.no_student', {}, rule);
      return f.done('unlikely');
    }
    if (homeSchooling) f.unknown('education.home_schooling', {}, citations.educationHomeSchooling);
    const group = assistanceStatus(ctx);
    if (students > 0 && group.status === 'yes') {
      f.met('education.student_in_group', { count: students, program: group.id ?? '' }, rule);
      return f.done('likely');
    }
    if (students > 0) f.unknown('education.other_hardship', { count: students }, rule);
    return f.done('possible');
  },
};
