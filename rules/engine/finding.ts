/**
 * Collects what one program's rule found: reasons with their sources, parameters that are not
 * configured, and answers that are missing. Rules stay small pure functions that say what they
 * compared; the bookkeeping lives here.
 */
import { type ProgramOutcome, param, type ScreenContext, yuan } from './context.ts';
import type { ProgramId } from './household.ts';
import { type ParameterName, parameterCatalog } from './parameter-catalog.ts';
import type { ResolvedParameter } from './parameter-table.ts';
import type { Reason, ReasonKind, Source, Verdict } from './result.ts';

type Params = Record<string, string | number>;
type Cited = ResolvedParameter | Source | undefined;

export class Finding {
  private readonly reasons: Reason[] = [];
  private readonly missing = new Set<string>();
  private readonly needs = new Set<string>();

  constructor(
    private readonly ctx: ScreenContext,
    private readonly id: ProgramId,
  ) {}

  /**
   * A parameter the rule reads. When it is not configured it is recorded as missing; the rule
   * decides whether that blocks the verdict or only the amount.
   */
  param<N extends ParameterName>(name: N): ResolvedParameter<N> | undefined {
    const p = param(this.ctx, name);
    if (!p) this.missing.add(name);
    else this.noteIfStale(p);
    return p;
  }

  /** An unanswered question that could change the result. */
  ask(field: string): void {
    this.needs.add(field);
  }

  met(key: string, params: Params = {}, cite?: Cited) {
    this.add('met', key, params, cite);
  }
  failed(key: string, params: Params = {}, cite?: Cited) {
    this.add('failed', key, params, cite);
  }
  unknown(key: string, params: Params = {}, cite?: Cited) {
    this.add('unknown', key, params, cite);
  }
  note(key: string, params: Params = {}, cite?: Cited) {
    this.add('note', key, params, cite);
  }

  /** "Not configured" for a parameter, as a reason the resident reads. */
  notConfigured(name: ParameterName) {
    this.add('unknown', 'parameter.not_configured', { parameter: name }, undefined);
  }

  done(
    verdict: Verdict,
    extra: { tier?: string; monthlyAmount?: number; amount?: number } = {},
  ): ProgramOutcome {
    const out: ProgramOutcome = { id: this.id, verdict, reasons: this.reasons };
    if (extra.tier !== undefined) out.tier = extra.tier;
    if (extra.monthlyAmount !== undefined) out.monthlyAmount = yuan(extra.monthlyAmount);
    if (extra.amount !== undefined) out.amount = yuan(extra.amount);
    if (this.missing.size) out.missing = [...this.missing];
    if (this.needs.size && verdict !== 'unlikely') out.needs = [...this.needs];
    return out;
  }

  private add(kind: ReasonKind, key: string, params: Params, cite: Cited) {
    const reason: Reason = { key, kind, params };
    const source = cite && ('reference' in cite ? cite.reference : cite);
    if (source) reason.source = { file: source.file, clause: source.clause };
    this.reasons.push(reason);
  }

  private readonly staleNoted = new Set<string>();
  /** A local value older than the review age is used, but the resident is told its date. */
  private noteIfStale(p: ResolvedParameter) {
    if (!parameterCatalog[p.name].local || this.staleNoted.has(p.name)) return;
    const checked = p.reviewed && p.reviewed > p.from ? p.reviewed : p.from;
    if (checked >= this.ctx.staleBefore) return;
    this.staleNoted.add(p.name);
    this.add('note', 'parameter.dated', { parameter: p.name, from: p.from }, p);
  }
}
