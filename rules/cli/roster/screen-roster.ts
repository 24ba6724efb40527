/**
 * Roster screening (政策找人): stream a county's household roster, screen each household and
 * flag those likely eligible for a program they do not receive yet. A malformed row is reported
 * by its row number and skipped with its household; the run goes on.
 */
import type { TFunction } from 'i18next';
import { issueText } from '../../explain/result-view.ts';
import { programIds } from '../../engine/household.ts';
import type { ProgramResult, ScreenResult, Verdict } from '../../engine/result.ts';
import { verdicts as verdictIds } from '../../engine/result.ts';
import type { Screener } from '../../engine/screen.ts';
import { headerWord } from './aliases.ts';
import {
  CellError,
  declaredMembers,
  householdColumnConflict,
  householdFrom,
  memberFrom,
  requiredColumns,
  type RosterRecord,
} from './columns.ts';
import type { RosterRow } from './read-roster.ts';
import type { ResultRow, ResultsWriter } from './write-results.ts';

export interface RosterSummary {
  rows: number;
  households: number;
  flagged: number;
  errorRows: number;
}

export interface RosterOptions {
  date?: string;
  onError?: (row: number, message: string) => void;
  onRow?: (rows: number) => void;
  /**
   * Keep, on each flagged row, the screening result, the household as screened and the
   * roster's ID number and phone cells (the browser upload turns flagged households into
   * visits; the CLI leaves this off and never reads those cells).
   */
  detail?: boolean;
  /** Row errors in this language (the county admin's), results in the writer's `t`. */
  errorT?: TFunction;
}

export async function screenRoster(
  rows: AsyncIterable<RosterRow>,
  screener: Screener,
  writer: ResultsWriter,
  t: TFunction,
  options: RosterOptions = {},
): Promise<RosterSummary> {
  const summary: RosterSummary = { rows: 0, households: 0, flagged: 0, errorRows: 0 };
  const labels = rosterLabels(t);
  const et = options.errorT ?? t;
  let group: RosterRow[] = [];
  let checkedHeader = false;

  const fail = (row: number, message: string) => {
    summary.errorRows++;
    writer.addError(row, message);
    options.onError?.(row, message);
  };

  const flush = async () => {
    if (group.length === 0) return;
    const rowsOfHousehold = group;
    group = [];
    const first = rowsOfHousehold[0]!.record;
    try {
      for (const later of rowsOfHousehold.slice(1)) {
        const column = householdColumnConflict(first, later.record);
        if (column)
          throw Object.assign(new CellError('household_fields_differ', { column }), { row: later.row });
      }
      const declared = declaredMembers(first);
      if (declared !== undefined && declared !== rowsOfHousehold.length)
        throw new CellError('members_mismatch', {
          declared: String(declared),
          rows: String(rowsOfHousehold.length),
        });
      const input = householdFrom(
        first,
        rowsOfHousehold.map((r) => memberFrom(r.record)),
      );
      if (options.date && input.date === undefined) input.date = options.date;
      const result = screener.screen(input);
      if (!result.ok) {
        const issue = result.issues[0]!;
        const memberIndex = /^members\.(\d+)/.exec(issue.path)?.[1];
        const row =
          memberIndex === undefined ? rowsOfHousehold[0]!.row : rowsOfHousehold[Number(memberIndex)]!.row;
        fail(row, issueText(et, issue));
        return;
      }
      summary.households++;
      const members = rowsOfHousehold.length;
      const perCapita = Math.round(((input.monthlyIncome as number) / members) * 100) / 100;
      const out = resultRow(
        result.value,
        first,
        labels,
        (input.current as string[] | undefined) ?? [],
        members,
        perCapita,
      );
      if (out.flag) summary.flagged++;
      if (out.flag && options.detail)
        out.detail = {
          result: result.value,
          input,
          contact: { idNumber: (first.id_number ?? '').trim(), phone: (first.phone ?? '').trim() },
        };
      await writer.add(out);
    } catch (e) {
      if (!(e instanceof CellError)) throw e;
      const row = (e as CellError & { row?: number }).row ?? rowsOfHousehold[0]!.row;
      fail(row, et(`roster.errors.${e.code}`, e.params));
    }
  };

  for await (const r of rows) {
    summary.rows++;
    options.onRow?.(summary.rows);
    if (!checkedHeader) {
      checkedHeader = true;
      const missing = missingColumns(r.record, et);
      if (missing) {
        fail(1, missing);
        return summary;
      }
    }
    const id = (r.record.household_id ?? '').trim();
    if (group.length && id !== (group[0]!.record.household_id ?? '').trim()) await flush();
    group.push(r);
  }
  await flush();
  return summary;
}

/**
 * The required columns a roster lacks, named as "household_id（户编号）" in the reader's language,
 * or undefined when none is missing.
 */
export function missingColumns(record: RosterRecord, t: TFunction): string | undefined {
  const missing = requiredColumns.filter((c) => !(c in record));
  if (!missing.length) return undefined;
  const aliases = t('roster.headerAliases', { returnObjects: true }) as unknown;
  const columns = missing
    .map((c) => {
      const word = headerWord(aliases, c);
      return word ? `${c}（${word}）` : c;
    })
    .join(t('cli.listSeparator'));
  return t('roster.errors.missing_column', { columns });
}

/**
 * The fixed words of a results row, translated once per run: i18next's t() per cell would
 * cost more than screening the household.
 */
export function rosterLabels(t: TFunction) {
  const table = <K extends string>(prefix: string, keys: readonly K[]) =>
    Object.fromEntries(keys.map((k) => [k, t(`${prefix}.${k}`)])) as Record<K, string>;
  return {
    separator: t('cli.listSeparator'),
    programs: table('programs', programIds),
    verdicts: table('verdicts', verdictIds),
    tiers: table('tiers', ['A', 'B', 'C', '1', '2', '3'] as const) as Record<string, string>,
    reasonSeparator: t('roster.reasonSeparator'),
    flagReasons: flatLabels(t('roster.flagReasons', { returnObjects: true }) as unknown),
    eitherOr: t('roster.flags.either_or'),
    splitUnknown: t('roster.flags.split_unknown'),
    split: (count: number) => t('roster.flags.split', { count }),
  };
}

/** roster.flagReasons as reason key → label ("dibao.income_below_standard" → "人均收入低于低保标准"). */
function flatLabels(tree: unknown, prefix = '', out = new Map<string, string>()) {
  if (typeof tree !== 'object' || tree === null) return out;
  for (const [k, v] of Object.entries(tree)) {
    if (typeof v === 'string') out.set(prefix + k, v);
    else flatLabels(v, `${prefix}${k}.`, out);
  }
  return out;
}
type Labels = ReturnType<typeof rosterLabels>;

/** Reason keys (plan §5, set by the dibao rule) saying 低保 and 特困 are one or the other. */
const eitherOrKeys = ['dibao.instead_of_tekun', 'dibao.either_or_tekun'];
/** Reason key: the 特困 members are supported apart, the others may have 低保. */
const splitKey = 'dibao.tekun_members_excluded';
const open = (v: Verdict) => v === 'likely' || v === 'possible';

/** The short label of why a program is flagged: its first met reason that has one. */
function reasonLabel(p: ProgramResult, labels: Labels): string {
  for (const r of p.reasons) {
    if (r.kind !== 'met') continue;
    const label = labels.flagReasons.get(r.key);
    if (label !== undefined) return label;
  }
  return labels.flagReasons.get('other') ?? '';
}

/**
 * The flag and its reasons. 低保 and 特困 are never listed side by side as two payments (national
 * rule: 特困 people are not counted into 低保): when the dibao rule says so (either-or / split
 * keys), or whenever both are likely or possible, they become one entry that says so; if the
 * household already receives one of the two, the other is not flagged.
 */
function flagOf(programs: ProgramResult[], current: string[], labels: Labels) {
  const dibao = programs.find((p) => p.id === 'dibao');
  const tekun = programs.find((p) => p.id === 'tekun');
  const split = dibao?.reasons.find((r) => r.key === splitKey);
  const eitherKey = dibao?.reasons.find((r) => eitherOrKeys.includes(r.key))?.key;
  const paired =
    dibao !== undefined &&
    tekun !== undefined &&
    (split !== undefined || eitherKey !== undefined || (open(dibao.verdict) && open(tekun.verdict)));
  const flags: string[] = [];
  const reasons: string[] = [];
  let pairDone = false;
  for (const p of programs) {
    if (p.verdict !== 'likely' || current.includes(p.id)) continue;
    if (paired && (p.id === 'dibao' || p.id === 'tekun')) {
      if (pairDone) continue;
      pairDone = true;
      if (split) {
        const count = split.params.count ?? split.params.n;
        flags.push(typeof count === 'number' ? labels.split(count) : labels.splitUnknown);
        reasons.push(labels.flagReasons.get(splitKey) ?? '');
        continue;
      }
      // Already receives the other of the two: nothing more to flag.
      if (current.includes(p.id === 'dibao' ? 'tekun' : 'dibao')) continue;
      flags.push(labels.eitherOr);
      reasons.push(labels.flagReasons.get(eitherKey ?? 'either_or') ?? '');
      continue;
    }
    flags.push(labels.programs[p.id]);
    reasons.push(reasonLabel(p, labels));
  }
  return { flag: flags.join(labels.separator), flagReason: reasons.join(labels.reasonSeparator) };
}

function resultRow(
  result: ScreenResult,
  first: RosterRecord,
  labels: Labels,
  current: string[],
  members: number,
  perCapita: number,
): ResultRow {
  let dibaoTier = '';
  let dibaoMonthly: number | undefined;
  const verdicts = new Array<string>(result.programs.length);
  for (let i = 0; i < result.programs.length; i++) {
    const p = result.programs[i]!;
    verdicts[i] = labels.verdicts[p.verdict];
    if (p.id === 'dibao') {
      dibaoTier = p.tier ? (labels.tiers[p.tier] ?? p.tier) : '';
      if (p.verdict === 'likely') dibaoMonthly = p.monthlyAmount;
    }
  }
  const { flag, flagReason } = flagOf(result.programs, current, labels);
  return {
    household_id: (first.household_id ?? '').trim(),
    township: (first.township ?? '').trim(),
    village: (first.village ?? '').trim(),
    members,
    per_capita_income: perCapita,
    flag,
    flag_reason: flagReason,
    dibao_tier: dibaoTier,
    dibao_monthly: dibaoMonthly,
    verdicts,
  };
}
