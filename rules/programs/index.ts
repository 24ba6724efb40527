/** The program rules, in an order where every rule comes after the programs it reads. */
import type { ProgramRule } from '../engine/program-rule.ts';
import { dibao } from './dibao/eligibility.ts';
import { dibaoSingle } from './dibao_single/eligibility.ts';
import { dibaoSupplement } from './dibao_supplement/eligibility.ts';
import { disaster } from './disaster/eligibility.ts';
import { education } from './education/eligibility.ts';
import { employment } from './employment/eligibility.ts';
import { housing } from './housing/eligibility.ts';
import { marginal } from './marginal/eligibility.ts';
import { medical } from './medical/eligibility.ts';
import { rigidExpense } from './rigid_expense/eligibility.ts';
import { tekun } from './tekun/eligibility.ts';
import { temporary } from './temporary/eligibility.ts';

export const programRules: readonly ProgramRule[] = [
  tekun,
  dibao,
  dibaoSingle,
  dibaoSupplement,
  marginal,
  rigidExpense,
  temporary,
  medical,
  education,
  housing,
  employment,
  disaster,
];
