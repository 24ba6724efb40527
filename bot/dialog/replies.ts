/** What the dialog says, as data: channels render it in the session's language (render.ts). */
import type { ScreenResult } from '../../rules/engine/result.ts';
import type { LocalText } from '../../rules/engine/rule-file-schema.ts';
import type { OfficeInfo } from '../referral/township-office.ts';
import type { StepId, StepOption } from './steps.ts';

export type Reply =
  | { kind: 'text'; key: string; params?: Record<string, string | number> }
  | {
      kind: 'question';
      step: StepId;
      /** Age of the person the question is about ("the 45-year-old"). */
      subjectAge?: number;
      options: StepOption[];
      number: number;
      about: number;
      /** The county's own rules for this question (property limits), if configured. */
      localNote?: LocalText;
    }
  | { kind: 'results'; result: ScreenResult }
  | { kind: 'summary'; name: string; phone: string; idNumber?: string; result: ScreenResult }
  /** A choice outside the questionnaire (the county or township for a call-back): text, numbered options. */
  | { kind: 'choose'; key: string; options: StepOption[] }
  /** The township office to phone or visit, as the county configured it. */
  | { kind: 'office'; office: OfficeInfo }
  /** A referral's status, asked by its reference and the phone's last digits (status-lookup.ts). */
  | { kind: 'status'; reference: string; state: string };

export const text = (key: string, params?: Record<string, string | number>): Reply =>
  params ? { kind: 'text', key, params } : { kind: 'text', key };
