/**
 * Program metadata (department, where to apply, papers to bring) from rules/programs/<id>/program.yaml,
 * validated at start-up like every rule file.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { defaultRulesDir } from './load-rule-book.ts';
import { type Household, type ProgramId, programIds } from './household.ts';
import { RuleFileError } from './rule-file-error.ts';

export const departments = [
  'civil_affairs',
  'healthcare_security',
  'education',
  'housing_construction',
  'human_resources',
  'emergency_management',
  'disabled_persons_federation',
] as const;

/**
 * When a paper is needed: named conditions on the answers, so the list fits the household.
 * The bit order is the order of this list; paperMask computes all of them in one pass.
 */
const conditionNames = ['disability', 'serious_illness', 'medical_costs', 'student'] as const;
const [DISABILITY, SERIOUS_ILLNESS, MEDICAL_COSTS, STUDENT] = [1, 2, 4, 8];

/** Which paper conditions a household meets, as bits: computed once per household, not per program. */
export function paperMask(h: Household): number {
  let mask = (h.rigidExpenses12m?.medical ?? 0) > 0 ? MEDICAL_COSTS : 0;
  for (const m of h.members) {
    if (m.disability) mask |= DISABILITY;
    if (m.seriousIllness === true) mask |= SERIOUS_ILLNESS | MEDICAL_COSTS;
    if (m.schooling !== undefined && m.schooling !== 'none') mask |= STUDENT;
  }
  return mask;
}

const paperId = z.string().regex(/^[a-z_]+$/);
const programFileSchema = z.strictObject({
  department: z.enum(departments),
  applyAt: z.enum([
    'township',
    'medical_insurance_office',
    'school',
    'employment_office',
    'village_committee',
  ]),
  papers: z.array(
    z.union([
      paperId,
      z.strictObject({
        paper: paperId,
        when: z.enum(conditionNames),
      }),
    ]),
  ),
});

export interface ProgramInfo {
  department: string;
  applyAt: string;
  /** The papers for a household with this condition mask (shared, do not mutate). */
  papersFor(mask: number): string[];
}

export function loadProgramCatalog(rulesDir: string = defaultRulesDir): Map<ProgramId, ProgramInfo> {
  const out = new Map<ProgramId, ProgramInfo>();
  for (const id of programIds) {
    const file = join(rulesDir, 'programs', id, 'program.yaml');
    const shown = relative(process.cwd(), file);
    let data: unknown;
    try {
      data = parseYaml(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new RuleFileError(shown, '', (e as Error).message.split('\n')[0] ?? 'unreadable');
    }
    const parsed = programFileSchema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new RuleFileError(shown, issue.path.join('.'), issue.message);
    }
    const { department, applyAt, papers } = parsed.data;
    const always = papers.filter((p): p is string => typeof p === 'string');
    const conditional = papers.filter(
      (p): p is Exclude<(typeof papers)[number], string> => typeof p !== 'string',
    );
    const byMask: (string[] | undefined)[] = [];
    out.set(id, {
      department,
      applyAt,
      papersFor(mask) {
        let papers = byMask[mask];
        if (!papers) {
          const needed = conditional
            .filter((c) => mask & (1 << conditionNames.indexOf(c.when)))
            .map((c) => c.paper);
          papers = Object.freeze([...always, ...needed]) as string[];
          byMask[mask] = papers;
        }
        return papers;
      },
    });
  }
  return out;
}
