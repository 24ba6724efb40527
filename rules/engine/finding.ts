/**
 * Collects what one program's rule found: reasons with their sources, parameters that are not
 * configured, and answers that are missing. Rules stay small pure functions that say what they
 * compared; the bookkeeping lives here.
 *
 * Hot path: a roster screens hundreds of thousands of households a second, twelve findings
 * each, so this allocates as little as it can (plain arrays created on first use, one shared
 * frozen source object per citation, made when the rules load).
 */
import { type ProgramOutcome, param, type ScreenContext, yuan } from './context.ts';
import type { ProgramId } from './household.ts';
import type { ParameterName } from './parameter-catalog.ts';
import type { ResolvedParameter } from './parameter-table.ts';
import type { Reason, ReasonKind, Source, Verdict } from './result.ts';

type Params = Record<string, string | number>;

/** The finding a program's rule fills in (see Finding.reset). */
export function startFinding(ctx: ScreenContext, id: ProgramId): Finding {
  return ctx.finding.reset(ctx, id);
}
type Cited = ResolvedParameter | Source | undefined;

const noParams: Params = Object.freeze({}) as Params;
const noPapers: string[] = [];

export class Finding {
  private ctx!: ScreenContext;
  private id: ProgramId = 'dibao';
  private reasons: Reason[] = [];
  private missing: string[] | undefined;
  private needs: string[] | undefined;

  /**
   * Starts the finding of the next program. The screener keeps one Finding and rules run one
   * after another, so reusing it saves twelve objects a household; each program still gets
   * its own reasons array, which goes into its result.
   */
  reset(ctx: ScreenContext, id: ProgramId): this {
    this.ctx = ctx;
    this.id = id;
    this.reasons = [];
    this.missing = undefined;
    this.needs = undefined;
    return this;
  }

  /**
   * A parameter the rule reads. When it is not configured it is recorded as missing; the rule
   * decides whether that blocks the verdict or only the amount.
   */
  param<N extends ParameterName>(name: N): ResolvedParameter<N> | undefined {
    const p = param(this.ctx, name);
    if (!p) {
      this.missing ??= [];
      if (!this.missing.includes(name)) this.missing.push(name);
    } else if (p.local) this.noteIfStale(p);
    return p;
  }

  /**
   * A parameter for a rule that exists only in some places or periods (Jilin's 支出核减,
   * a transfer route…): resolved like param, but its absence is not "not configured", so it
   * is never recorded in `missing`. A local value in force is still dated like any other.
   */
  optional<N extends ParameterName>(name: N): ResolvedParameter<N> | undefined {
    const p = param(this.ctx, name);
    if (p?.local) this.noteIfStale(p);
    return p;
  }

  /** An unanswered question that could change the result. */
  ask(field: string): void {
    this.needs ??= [];
    if (!this.needs.includes(field)) this.needs.push(field);
  }

  met(key: string, params: Params = noParams, cite?: Cited) {
    this.add('met', key, params, cite);
  }
  failed(key: string, params: Params = noParams, cite?: Cited) {
    this.add('failed', key, params, cite);
  }
  unknown(key: string, params: Params = noParams, cite?: Cited) {
    this.add('unknown', key, params, cite);
  }
  note(key: string, params: Params = noParams, cite?: Cited) {
    this.add('note', key, params, cite);
  }

  /** "Not configured" for a parameter, as a reason the resident reads. */
  notConfigured(name: ParameterName) {
    this.add('unknown', 'parameter.not_configured', { parameter: name }, undefined);
  }

  done(
    verdict: Verdict,
    extra: { tier?: string; monthlyAmount?: number; amount?: number; floor?: true } = {},
  ): ProgramOutcome {
    // Every result has the same fields in the same order (absent ones undefined, which JSON
    // omits): one object shape for the whole engine keeps V8's property access fast.
    return {
      id: this.id,
      verdict,
      tier: extra.tier,
      monthlyAmount: extra.monthlyAmount === undefined ? undefined : yuan(extra.monthlyAmount),
      amount: extra.amount === undefined ? undefined : yuan(extra.amount),
      floor: extra.floor,
      reasons: this.reasons,
      department: '',
      applyAt: '',
      papers: noPapers,
      missing: this.missing,
      needs: verdict === 'unlikely' ? undefined : this.needs,
    };
  }

  private add(kind: ReasonKind, key: string, params: Params, cite: Cited) {
    // A resolved parameter carries its frozen source; a criterion citation is one already.
    // One shape for every reason (source may be undefined; JSON leaves it out).
    const source = cite === undefined ? undefined : 'source' in cite ? cite.source : cite;
    this.reasons.push({ key, kind, params, source });
  }

  /** A local value older than the review age is used, but the resident is told its date (once). */
  private noteIfStale(p: ResolvedParameter) {
    const checked = p.reviewed && p.reviewed > p.from ? p.reviewed : p.from;
    if (checked >= this.ctx.staleBefore) return;
    for (const r of this.reasons) if (r.key === 'parameter.dated' && r.params.parameter === p.name) return;
    this.add('note', 'parameter.dated', { parameter: p.name, from: p.from }, p);
  }
}
