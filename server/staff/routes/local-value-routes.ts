/**
 * The county admin's local values (issue 16 item 11): every value in force shown in words and
 * units with its date and source, what is not configured, what is coming, and the history; a
 * new value is checked (form, then the rule cases), stored as a new version, audited and put
 * in force at once (the screener's county layer is swapped whole, no restart). A value taken
 * from another place's document can get its local source here.
 */
import { randomUUID } from 'node:crypto';
import Router from '@koa/router';
import type { Context, Next } from 'koa';
import { z } from 'zod';
import { translator } from '../../../locales/i18n.ts';
import { standingOf } from '../../../rules/engine/documents.ts';
import { localFile } from '../../../rules/engine/local-overlay.ts';
import {
  isParameterName,
  type ParameterName,
  parameterCatalog,
  parameterNames,
} from '../../../rules/engine/parameter-catalog.ts';
import { resolveParameters } from '../../../rules/engine/parameter-table.ts';
import { loadRuleCases, type RuleCase } from '../../../rules/engine/rule-cases.ts';
import { chinaToday } from '../../../rules/engine/screen.ts';
import { sourceView } from '../../../rules/explain/result-view.ts';
import { isCountyAdmin } from '../access.ts';
import { checkValue } from '../local-values/check-value.ts';
import { byCounty, countyRecords, type LocalValueRecord } from '../local-values/local-value-record.ts';
import {
  type Fields,
  fieldsOf,
  formKind,
  kindFields,
  readValueForm,
  sourceSchema,
} from '../local-values/value-forms.ts';
import { valueInWords } from '../local-values/value-words.ts';
import { chinaDateTime, staffName } from '../referral-view.ts';
import type { StaffState } from '../staff-auth.ts';
import type { StaffDeps } from '../staff-deps.ts';
import { countyStaff } from '../staff-directory.ts';
import { renderStaff, staffLanguage } from '../staff-page.ts';

/** The posted form: text fields only, each at most 2,000 characters before its own check. */
const postedFields = z.record(z.string().regex(/^[A-Za-z_]{1,30}$/), z.unknown());
function readFields(body: unknown): Fields {
  const parsed = postedFields.safeParse(body);
  if (!parsed.success) return {};
  const out: Fields = Object.create(null);
  for (const [k, v] of Object.entries(parsed.data))
    if (typeof v === 'string' && k !== '_csrf') out[k] = v.slice(0, 2000);
  return out;
}

export function localValueRoutes(deps: StaffDeps): Router {
  const router = new Router({ prefix: '/staff', sensitive: true });
  const audit = deps.staff.audit;
  const records = deps.staff.localValues;
  const me = (ctx: Context) => (ctx.state.staff as StaffState).user;
  const adminOnly = async (ctx: Context, next: Next) => {
    if (isCountyAdmin(me(ctx))) return next();
    await audit.append(me(ctx), 'denied', ctx.path);
    renderStaff(ctx, deps, 'error', { message: 'staff.errors.forbidden' }, 403);
  };
  let cases: RuleCase[] | undefined;
  const ruleCases = () => {
    cases ??= loadRuleCases(deps.screener.rulesDir);
    return cases;
  };

  const page = async (ctx: Context, extra: Record<string, unknown> = {}, status = 200) => {
    const user = me(ctx);
    const lang = staffLanguage(ctx);
    const t = translator(lang);
    const j = deps.screener.jurisdiction(user.county);
    if (!j) return renderStaff(ctx, deps, 'error', { message: 'staff.errors.forbidden' }, 404);
    const today = chinaToday();
    const table = resolveParameters(j, today);
    const [mine, staff] = await Promise.all([
      countyRecords(records, user.county),
      countyStaff(deps, user.county),
    ]);
    const byFile = new Map(mine.map((r) => [localFile(r.id), r]));
    const level = (layer: string) =>
      layer === j.id ? 'county' : layer === 'national' ? 'national' : 'region';
    const values = parameterNames
      .filter((n) => table.has(n) || parameterCatalog[n].local || formKind(n))
      .map((n) => {
        const p = table.get(n);
        const own = p && byFile.get(p.source.file);
        return {
          id: n,
          name: label(t, n),
          value: p ? valueInWords(t, n, p.value, lang) : t('staff.local.not_set'),
          configured: Boolean(p),
          from: p?.from ?? '',
          level: p ? t(`staff.local.levels.${level(p.layer)}`) : '',
          source: own ? sourceLine(t, own) : p ? sourceView(t, p.source, lang, j.id).text : '',
          borrowed: Boolean(p && !own && standingOf(j.id, p.source) === 'borrowed'),
          editable: Boolean(formKind(n)),
        };
      });
    const upcoming = mine
      .filter((r) => r.from > today)
      .map((r) => ({
        name: label(t, r.parameter),
        value: valueInWords(t, r.parameter, r.value, lang),
        from: r.from,
        source: sourceLine(t, r),
      }));
    const history = [...mine].reverse().map((r) => ({
      at: chinaDateTime(r.at),
      who: staffName(staff, r.by, t),
      kind: t(`staff.local.kinds.${r.kind}`),
      name: label(t, r.parameter),
      value: valueInWords(t, r.parameter, r.value, lang),
      from: r.from,
      previous: r.previous
        ? t('staff.local.previous_value', {
            value: valueInWords(t, r.parameter, r.previous.value, lang),
            from: r.previous.from,
          })
        : t('staff.local.not_set'),
      source: sourceLine(t, r),
    }));
    const choices = parameterNames.filter((n) => formKind(n)).map((n) => ({ id: n, name: label(t, n) }));
    renderStaff(
      ctx,
      deps,
      'local-values',
      { values, upcoming, history, choices, date: today, ...extra },
      status,
    );
  };

  router.get('/local-values', adminOnly, (ctx) =>
    page(ctx, ctx.query.saved === '1' ? { notice: 'staff.local.saved' } : {}),
  );

  /** The form for a new version of one value, prefilled with the one in force. */
  const form = (ctx: Context, parameter: ParameterName, extra: Record<string, unknown>, status = 200) => {
    const lang = staffLanguage(ctx);
    const t = translator(lang);
    const user = me(ctx);
    const kind = formKind(parameter)!;
    const p = resolveParameters(deps.screener.jurisdiction(user.county)!, chinaToday()).get(parameter);
    renderStaff(
      ctx,
      deps,
      'local-value-form',
      {
        parameter,
        name: label(t, parameter),
        kind,
        fieldNames: kindFields[kind],
        current: p ? valueInWords(t, parameter, p.value, lang) : t('staff.local.not_set'),
        currentFrom: p?.from ?? '',
        fields: { ...(p ? fieldsOf(kind, p.value) : {}), from: chinaToday() },
        errors: {},
        ...extra,
      },
      status,
    );
  };

  router.get('/local-values/new', adminOnly, (ctx) => {
    const parameter = String(ctx.query.parameter ?? '');
    if (!isParameterName(parameter) || !formKind(parameter))
      return page(ctx, { error: 'staff.local.errors.parameter' }, 400);
    form(ctx, parameter, {});
  });

  router.post('/local-values', adminOnly, async (ctx) => {
    const user = me(ctx);
    const fields = readFields(ctx.request.body);
    const parameter = fields.parameter ?? '';
    if (!isParameterName(parameter) || !formKind(parameter))
      return page(ctx, { error: 'staff.local.errors.parameter' }, 400);
    if (!ctx.state.csrfOk) return form(ctx, parameter, { fields, error: 'staff.errors.expired' }, 403);
    const read = readValueForm(fields);
    if (!read.ok)
      return form(ctx, parameter, { fields, errors: read.errors, error: 'staff.local.errors.form' }, 400);
    const j = deps.screener.jurisdiction(user.county)!;
    const id = randomUUID();
    const check = checkValue(deps.screener, ruleCases(), j, {
      id,
      parameter,
      value: read.value,
      source: read.source,
    });
    if (check.broken.length)
      return form(ctx, parameter, { fields, check, error: 'staff.local.errors.broken' }, 400);
    if (check.changed.length && fields.confirm !== 'yes')
      return form(ctx, parameter, { fields, check, confirm: true });
    const before = resolveParameters(j, read.from).get(parameter);
    const record: LocalValueRecord = {
      id,
      county: user.county,
      parameter,
      value: read.value,
      from: read.from,
      source: read.source,
      kind: 'value',
      by: user.id,
      at: deps.now().toISOString(),
      previous: before ? { value: before.value, from: before.from, layer: before.layer } : null,
    };
    await save(
      record,
      `${record.from} ${valueInWords(translator('zh'), parameter, record.value, 'zh')}${check.changed.length ? ` (${check.changed.length} cases changed)` : ''}`,
    );
    ctx.status = 303;
    ctx.redirect('/staff/local-values?saved=1');
  });

  /** Stored durably, then audited, then in force: the next screening anywhere reads it. */
  const save = async (record: LocalValueRecord, detail: string) => {
    await records.setDurably(record.id, record);
    await audit.append(
      { id: record.by, county: record.county },
      record.kind === 'value' ? 'local_value_add' : 'local_source_add',
      record.parameter,
      detail,
    );
    deps.screener.useCountyValues(await byCounty(records));
  };

  /** A borrowed value's local source: the value stays as it is, its citation becomes the county's. */
  const sourceForm = async (
    ctx: Context,
    parameter: ParameterName,
    extra: Record<string, unknown>,
    status = 200,
  ) => {
    const lang = staffLanguage(ctx);
    const t = translator(lang);
    const j = deps.screener.jurisdiction(me(ctx).county)!;
    const p = resolveParameters(j, chinaToday()).get(parameter);
    if (!p) return page(ctx, { error: 'staff.local.errors.parameter' }, 400);
    renderStaff(
      ctx,
      deps,
      'local-source-form',
      {
        parameter,
        name: label(t, parameter),
        current: valueInWords(t, parameter, p.value, lang),
        currentFrom: p.from,
        borrowedFrom: sourceView(t, p.source, lang, j.id).text,
        fields: {},
        errors: {},
        ...extra,
      },
      status,
    );
  };
  router.get('/local-values/source', adminOnly, (ctx) => {
    const parameter = String(ctx.query.parameter ?? '');
    if (!isParameterName(parameter)) return page(ctx, { error: 'staff.local.errors.parameter' }, 400);
    return sourceForm(ctx, parameter, {});
  });
  router.post('/local-values/source', adminOnly, async (ctx) => {
    const user = me(ctx);
    const fields = readFields(ctx.request.body);
    const parameter = fields.parameter ?? '';
    if (!isParameterName(parameter)) return page(ctx, { error: 'staff.local.errors.parameter' }, 400);
    if (!ctx.state.csrfOk) return sourceForm(ctx, parameter, { fields, error: 'staff.errors.expired' }, 403);
    const source = sourceSchema.safeParse(fields);
    if (!source.success) {
      const errors = Object.fromEntries(source.error.issues.map((i) => [String(i.path[0]), i.message]));
      return sourceForm(ctx, parameter, { fields, errors, error: 'staff.local.errors.form' }, 400);
    }
    const p = resolveParameters(deps.screener.jurisdiction(user.county)!, chinaToday()).get(parameter)!;
    const record: LocalValueRecord = {
      id: randomUUID(),
      county: user.county,
      parameter,
      value: p.value,
      from: p.from,
      source: source.data,
      kind: 'source',
      by: user.id,
      at: deps.now().toISOString(),
      previous: { value: p.value, from: p.from, layer: p.layer },
    };
    await save(record, `${p.source.file} ${p.source.clause} → ${source.data.title} ${source.data.clause}`);
    ctx.status = 303;
    ctx.redirect('/staff/local-values?saved=1');
  });
  return router;
}

/** The parameter's name: the residents' wording where there is one, else the staff page's own. */
function label(t: ReturnType<typeof translator>, n: ParameterName): string {
  const key = `parameters.${n}`;
  const shown = t(key);
  return shown === key ? t(`staff.local.names.${n}`) : shown;
}

function sourceLine(t: ReturnType<typeof translator>, r: LocalValueRecord): string {
  return t('staff.local.source_line', { ...r.source });
}
