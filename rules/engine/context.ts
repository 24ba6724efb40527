/**
 * What every program's rule reads: the validated household, the parameters in force, facts
 * derived once from the answers, and the outcomes of programs evaluated earlier (marginal
 * depends on dibao, education on the family's assistance status, and so on).
 */
import type { Household, Member, ProgramId } from './household.ts';
import type { ParameterName, ParameterValue } from './parameter-catalog.ts';
import type { ParameterTable, ResolvedParameter } from './parameter-table.ts';
import type { Finding } from './finding.ts';
import type { ProgramResult } from './result.ts';

/** A program's result before the screener fills in department, place and papers (same shape). */
export type ProgramOutcome = ProgramResult;

export interface ScreenContext {
  household: Household;
  date: string;
  params: ParameterTable;
  /** Values that took effect before this date are past the review age (see rules/settings.yaml). */
  staleBefore: string;
  size: number;
  /** Household income per person per month. */
  perCapita: number;
  /** Monthly income × 12: the screen's estimate of the household's annual income. */
  annualIncome: number;
  outcomes: Partial<Record<ProgramId, ProgramOutcome>>;
  /**
   * The household's best low-income status (特困, dibao, marginal, rigid-expense), set once
   * those four are decided; the special programs all read it (see programs/index.ts).
   */
  assistance: GroupStatus | undefined;
  /**
   * Members the 特困 rule found in 特困 or likely for it (`excluded`), or only possibly
   * (`maybe`); `unknownWhich` when the household receives 特困 but no member fits its
   * categories. Set by the tekun rule, which runs first; read by dibao and its supplement
   * (003 §二(二): 特困 recipients are not also in 低保). Undefined until tekun has run.
   */
  tekun: TekunMembers | undefined;
  /** The screener's reusable finding (rules call startFinding). */
  finding: Finding;
}

/** Which members 特困 takes out of the other programs' count (see ScreenContext.tekun). */
export interface TekunMembers {
  excluded: readonly Member[];
  maybe: readonly Member[];
  unknownWhich: boolean;
}

export function param<N extends ParameterName>(
  ctx: ScreenContext,
  name: N,
): ResolvedParameter<N> | undefined {
  return ctx.params.get(name) as ResolvedParameter<N> | undefined;
}

export function standardName(area: Household['area']): 'dibao.standard.urban' | 'dibao.standard.rural' {
  return area === 'urban' ? 'dibao.standard.urban' : 'dibao.standard.rural';
}

/** Rounds money to the fen; amounts shown to residents are never longer. */
export function yuan(n: number): number {
  return Math.round(n * 100) / 100;
}

export function isSevereDisability(m: Member, def: ParameterValue<'severe_disability'>): boolean {
  if (!m.disability) return false;
  if (def.grades.includes(m.disability.grade)) return true;
  return m.disability.grade === 3 && def.grade3Kinds.includes(m.disability.kind);
}

/** Three-valued: true, false, or undefined when an unanswered question could make it true. */
export type Maybe = boolean | undefined;

export function any(members: readonly Member[], test: (m: Member) => Maybe): Maybe {
  let unknown = false;
  for (const m of members) {
    const r = test(m);
    if (r === true) return true;
    if (r === undefined) unknown = true;
  }
  return unknown ? undefined : false;
}

/** A programme is "in" for a household if it already receives it or the screen finds it likely. */
export function groupStatus(ctx: ScreenContext, id: ProgramId): 'yes' | 'maybe' | 'no' {
  if (ctx.household.current?.includes(id)) return 'yes';
  const v = ctx.outcomes[id]?.verdict;
  return v === 'likely' ? 'yes' : v === 'possible' ? 'maybe' : 'no';
}

/** The low-income statuses special assistance is for (001 §一(一), §三(八)). */
export const assistanceGroups = [
  'tekun',
  'dibao',
  'marginal',
  'rigid_expense',
] as const satisfies readonly ProgramId[];
/** Urban public rental housing: dibao, dispersed 特困, marginal (001 §三(八)3). */
export const urbanHousingGroups = ['dibao', 'tekun', 'marginal'] as const satisfies readonly ProgramId[];

export interface GroupStatus {
  status: 'yes' | 'maybe' | 'no';
  id?: ProgramId;
}

/** The household's assistance status, computed on first use and kept on the context. */
export function assistanceStatus(ctx: ScreenContext): GroupStatus {
  ctx.assistance ??= bestGroup(ctx, assistanceGroups);
  return ctx.assistance;
}

export function bestGroup(ctx: ScreenContext, ids: readonly ProgramId[]): GroupStatus {
  let maybe: ProgramId | undefined;
  for (const id of ids) {
    const s = groupStatus(ctx, id);
    if (s === 'yes') return { status: 'yes', id };
    if (s === 'maybe' && !maybe) maybe = id;
  }
  return maybe ? { status: 'maybe', id: maybe } : { status: 'no' };
}
