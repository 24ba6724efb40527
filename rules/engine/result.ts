/** The screening result: a public contract shared by the CLI, the API, the dialog and referrals. */
import type { ProgramId } from './household.ts';

/**
 * 'ask': the screen cannot judge this program here (the county has not supplied its rule), so
 * the resident is told to ask the township rather than given a guess.
 */
export type Verdict = 'likely' | 'possible' | 'unlikely' | 'ask';

/** Every verdict, in the order results and summaries list them. */
export const verdicts = ['likely', 'possible', 'unlikely', 'ask'] as const satisfies readonly Verdict[];

/**
 * met: a criterion the answers satisfy; failed: a hard criterion they fail; unknown: something
 * the screen cannot know or a value not configured; note: what the resident should also hear.
 */
export type ReasonKind = 'met' | 'failed' | 'unknown' | 'note';

/** Shared and frozen: every result citing the same clause holds the same object. */
export interface Source {
  /** Seed file name, e.g. "000_7e61b05d1b9914e4.txt". */
  file: string;
  /** Clause in the seed's own numbering, e.g. "三(二)". */
  clause: string;
}

export interface Reason {
  /** i18n key under reasons.* in every locale. */
  key: string;
  kind: ReasonKind;
  /** The comparison made: numbers and ids the message interpolates. */
  params: Record<string, string | number>;
  source?: Source | undefined;
}

export interface ProgramResult {
  id: ProgramId;
  verdict: Verdict;
  /** Tekes tier "A" | "B" | "C", or the national class "1" | "2" | "3". */
  tier?: string;
  /** Estimated monthly payment for the household, yuan. */
  monthlyAmount?: number;
  /** Estimated one-off payment, yuan. */
  amount?: number;
  /** The amount is a floor the seed sets ("不低于"), not an estimate of the payment itself. */
  floor?: true;
  reasons: Reason[];
  /** Responsible department id (i18n: departments.<id>). */
  department: string;
  /** Where to apply (i18n: apply.<id>). */
  applyAt: string;
  /** Papers to bring (i18n: papers.<id>), only those this household needs. Shared and frozen: copy before changing. */
  papers: string[];
  /** Parameters not configured for this jurisdiction and date that the program touched. */
  missing?: string[];
  /** Answers not given that could change the verdict or the amount (drives the questionnaire). */
  needs?: string[];
}

export interface ScreenResult {
  id?: string;
  jurisdiction: string;
  date: string;
  programs: ProgramResult[];
}
