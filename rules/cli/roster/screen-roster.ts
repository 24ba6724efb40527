/**
 * Roster screening (政策找人): stream a county's household roster, screen each household and
 * flag those likely eligible for a program they do not receive yet. A malformed row is reported
 * by its row number and skipped with its household; the run goes on.
 */
import type { TFunction } from 'i18next';
import { issueText } from '../../explain/result-view.ts';
import { programIds } from '../../engine/household.ts';
import { type ScreenResult, verdicts as verdictIds } from '../../engine/result.ts';
import type { Screener } from '../../engine/screen.ts';
import {
  CellError,
  householdColumnConflict,
  householdFrom,
  memberFrom,
  requiredColumns,
  type RosterRecord,
} from './columns.ts';
import type { RosterRow } from './read-roster.ts';
import type { ResultsWriter } from './write-results.ts';

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
        fail(row, issueText(t, issue));
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
      await writer.add(out);
    } catch (e) {
      if (!(e instanceof CellError)) throw e;
      const row = (e as CellError & { row?: number }).row ?? rowsOfHousehold[0]!.row;
      fail(row, t(`roster.errors.${e.code}`, e.params));
    }
  };

  for await (const r of rows) {
    summary.rows++;
    options.onRow?.(summary.rows);
    if (!checkedHeader) {
      checkedHeader = true;
      const missing = requiredColumns.filter((c) => !(c in r.record));
      if (missing.length) {
        fail(1, t('roster.errors.missing_column', { columns: missing.join(', ') }));
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
  };
}
type Labels = ReturnType<typeof rosterLabels>;

function resultRow(
  result: ScreenResult,
  first: RosterRecord,
  labels: Labels,
  current: string[],
  members: number,
  perCapita: number,
) {
  let flag = '';
  let dibaoTier = '';
  let dibaoMonthly: number | undefined;
  const verdicts = new Array<string>(result.programs.length);
  for (let i = 0; i < result.programs.length; i++) {
    const p = result.programs[i]!;
    verdicts[i] = labels.verdicts[p.verdict];
    if (p.verdict === 'likely' && !current.includes(p.id))
      flag += (flag ? labels.separator : '') + labels.programs[p.id];
    if (p.id === 'dibao') {
      dibaoTier = p.tier ? (labels.tiers[p.tier] ?? p.tier) : '';
      if (p.verdict === 'likely') dibaoMonthly = p.monthlyAmount;
    }
  }
  return {
    household_id: (first.household_id ?? '').trim(),
    township: (first.township ?? '').trim(),
    village: (first.village ?? '').trim(),
    members,
    per_capita_income: perCapita,
    flag,
    dibao_tier: dibaoTier,
    dibao_monthly: dibaoMonthly,
    verdicts,
  };
}
