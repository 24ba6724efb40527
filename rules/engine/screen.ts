/**
 * The screening engine: household in, result per program out.
 *
 *   const screener = createScreener();
 *   const r = screener.screen(json);      // validates, then evaluates
 *   if (r.ok) r.value.programs ...
 *
 * Rule files are loaded and validated once, when the screener is created; parameters are
 * resolved once per (jurisdiction, date). Evaluation itself is pure.
 */
import { evaluatePrograms, outcomesInOrder } from '../programs/index.ts';
import type { ScreenContext } from './context.ts';
import { Finding } from './finding.ts';
import {
  type Household,
  type InputIssue,
  type ParseResult,
  parseHousehold,
  programIds,
} from './household.ts';
import { defaultRulesDir, type Jurisdiction, loadRuleBook, type RuleBook } from './load-rule-book.ts';
import { type LocalValue, registerCountyDocuments, withCountyValues } from './local-overlay.ts';
import { type ParameterName, parameterCatalog } from './parameter-catalog.ts';
import { ParameterTableCache, resolveParameters } from './parameter-table.ts';
import { loadProgramCatalog, type ProgramInfo, paperMask } from './program-catalog.ts';
import type { ScreenResult } from './result.ts';
import { RuleFileError } from './rule-file-error.ts';
import type { ProgramId } from './household.ts';

export interface ScreenerOptions {
  rulesDir?: string;
  /** Today's date as YYYY-MM-DD; injectable so tests do not depend on the clock. */
  today?: () => string;
}

export interface ScreenOptions {
  /**
   * Extra local values layered on top of the jurisdiction (a county admin's preview, or a test
   * case for a jurisdiction whose seed leaves a value blank). Validated like a rule file.
   */
  localValues?: Partial<Record<ParameterName, unknown>>;
  /** Screen against this version of the household's jurisdiction (a value checked before saving). */
  jurisdiction?: Jurisdiction;
}

export interface Screener {
  readonly book: RuleBook;
  /** The rules directory it was loaded from (the rule cases beside the programs live there). */
  readonly rulesDir: string;
  readonly programs: ReadonlyMap<ProgramId, ProgramInfo>;
  /** Validates unknown input (JSON) and screens it. */
  screen(input: unknown, options?: ScreenOptions): ParseResult<ScreenResult>;
  /** Screens an already validated household. */
  screenHousehold(household: Household, options?: ScreenOptions): ScreenResult;
  /** A jurisdiction as screened now: its rule files plus the county admin's values. */
  jurisdiction(id: string): Jurisdiction | undefined;
  /**
   * Puts a county admin's values in force, replacing any set before (local-overlay.ts). One
   * assignment swaps them: a screening, which runs synchronously, reads one set or the other.
   */
  useCountyValues(byCounty: ReadonlyMap<string, readonly LocalValue[]>): void;
}

/** The date in China (Beijing time, which Xinjiang's offices keep too). */
const chinaDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' });
/**
 * (An Intl formatter is costly to build: one for the process, not one per household. Even
 * formatting costs microseconds, so the answer is kept for the rest of the clock second: the
 * HTTP server asks once per request.)
 */
let todaySecond = Number.NaN;
let todayText = '';
export function chinaToday(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== todaySecond) {
    todayText = chinaDate.format(now);
    todaySecond = second;
  }
  return todayText;
}

export function createScreener(options: ScreenerOptions = {}): Screener {
  const book = loadRuleBook(options.rulesDir);
  const programs = loadProgramCatalog(options.rulesDir);
  const today = options.today ?? chinaToday;
  /** The jurisdictions in force and their parameter tables, swapped whole by useCountyValues. */
  let view = { jurisdictions: book.jurisdictions, tables: new ParameterTableCache() };
  const finding = new Finding();
  /** Program metadata in result order, so the hot loop indexes instead of hashing. */
  const infos = programIds.map((id) => programs.get(id)!);
  /** Papers of every program for one condition mask (16 masks at most), built on first use. */
  const papersByMask: string[][][] = [];
  const papersFor = (mask: number) => {
    let papers = papersByMask[mask];
    if (!papers) {
      papers = infos.map((info) => info.papersFor(mask));
      papersByMask[mask] = papers;
    }
    return papers;
  };

  // Per-date work done once per date, not once per household (a roster shares one date).
  const staleBeforeByDate = new Map<string, string>();
  const staleBefore = (date: string) => {
    let v = staleBeforeByDate.get(date);
    if (v === undefined) {
      if (staleBeforeByDate.size > 2_000) staleBeforeByDate.clear();
      v = monthsBefore(date, book.settings.reviewMaxAgeMonths);
      staleBeforeByDate.set(date, v);
    }
    return v;
  };

  function screenHousehold(h: Household, opts: ScreenOptions = {}): ScreenResult {
    const current = view;
    const base = opts.jurisdiction ?? current.jurisdictions.get(h.jurisdiction);
    if (!base) throw new Error(`unknown jurisdiction ${h.jurisdiction}`);
    const date = h.date ?? today();
    const params = opts.localValues
      ? resolveParameters(withLocalValues(base, opts.localValues), date)
      : opts.jurisdiction
        ? resolveParameters(base, date)
        : current.tables.get(base, date);
    const ctx: ScreenContext = {
      household: h,
      date,
      params,
      staleBefore: staleBefore(date),
      size: h.members.length,
      perCapita: h.monthlyIncome / h.members.length,
      annualIncome: h.monthlyIncome * 12,
      outcomes: emptyOutcomes(),
      assistance: undefined,
      tekun: undefined,
      finding,
    };
    evaluatePrograms(ctx);
    const papers = papersFor(paperMask(h));
    const results = outcomesInOrder(ctx.outcomes);
    for (let i = 0; i < results.length; i++) {
      const info = infos[i]!;
      const r = results[i]!;
      r.department = info.department;
      r.applyAt = info.applyAt;
      r.papers = papers[i]!;
    }
    const out: ScreenResult = { jurisdiction: h.jurisdiction, date, programs: results };
    if (h.id !== undefined) out.id = h.id;
    return out;
  }

  function screen(input: unknown, opts?: ScreenOptions): ParseResult<ScreenResult> {
    const parsed = parseHousehold(input);
    if (!parsed.ok) return parsed;
    if (!book.jurisdictions.has(parsed.value.jurisdiction)) {
      const issue: InputIssue = {
        path: 'jurisdiction',
        code: 'unknown_jurisdiction',
        params: {
          value: parsed.value.jurisdiction.slice(0, 64),
          known: [...book.jurisdictions.keys()].join(', '),
        },
      };
      return { ok: false, issues: [issue] };
    }
    return { ok: true, value: screenHousehold(parsed.value, opts) };
  }

  function useCountyValues(byCounty: ReadonlyMap<string, readonly LocalValue[]>) {
    const jurisdictions = new Map(book.jurisdictions);
    for (const [id, values] of byCounty) {
      const base = book.jurisdictions.get(id);
      if (!base) continue;
      jurisdictions.set(id, withCountyValues(base, values));
      registerCountyDocuments(id, values);
    }
    view = { jurisdictions, tables: new ParameterTableCache() };
  }

  return {
    book,
    rulesDir: options.rulesDir ?? defaultRulesDir,
    programs,
    screen,
    screenHousehold,
    jurisdiction: (id) => view.jurisdictions.get(id),
    useCountyValues,
  };
}

/** All twelve keys from the start, in one order: one object shape, fast keyed stores. */
function emptyOutcomes(): ScreenContext['outcomes'] {
  return {
    dibao: undefined,
    dibao_single: undefined,
    tekun: undefined,
    marginal: undefined,
    rigid_expense: undefined,
    temporary: undefined,
    medical: undefined,
    education: undefined,
    housing: undefined,
    employment: undefined,
    disaster: undefined,
    dibao_supplement: undefined,
  };
}

/** A jurisdiction with one more layer on top holding the given values from the beginning of time. */
export function withLocalValues(
  base: Jurisdiction,
  values: Partial<Record<ParameterName, unknown>>,
): Jurisdiction {
  const layer = { id: `${base.id}+local`, file: '(local values)', parameters: new Map() };
  for (const [name, raw] of Object.entries(values) as [ParameterName, unknown][]) {
    const entry = parameterCatalog[name];
    if (!entry) throw new RuleFileError('(local values)', name, 'unknown parameter name');
    const parsed = entry.value.safeParse(raw);
    if (!parsed.success) throw new RuleFileError('(local values)', name, parsed.error.issues[0]!.message);
    layer.parameters.set(name, {
      name,
      layer: layer.id,
      description: 'local value',
      unit: '',
      reference: { file: '(local values)', clause: '', quote: '' },
      entries: [{ from: '0000-01-01', value: parsed.data }],
    });
  }
  return { ...base, stack: [...base.stack, layer] };
}

/** The date `months` calendar months before `date` (both YYYY-MM-DD). */
export function monthsBefore(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) - months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(d, lastDay)).padStart(2, '0')}`;
}
