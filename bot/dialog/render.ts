/**
 * Replies → chat messages in the session's language. Every word comes from the locales and
 * is laid out by templates/chat/*.njk; results go out one program per message.
 */
import type { TFunction } from 'i18next';
import { type Language, translator } from '../../locales/i18n.ts';
import { textTemplates } from '../../templates/render.ts';
import { isReferred, type ProgramView, reasonText, resultView } from '../../rules/explain/result-view.ts';
import type { ProgramResult, Reason } from '../../rules/engine/result.ts';
import type { Reply } from './replies.ts';
import { choiceLabels, yesNoSteps } from './choices.ts';
import { officeView } from '../referral/township-office.ts';

export function renderReplies(replies: Reply[], lang: Language): string[] {
  const t = translator(lang, 'screen');
  const env = textTemplates();
  const out: string[] = [];
  for (const r of replies) {
    switch (r.kind) {
      case 'text':
        out.push(t(r.key, r.params ?? {}));
        break;
      case 'question': {
        // Yes and no are said in one line ("reply 1 yes, 2 no"), not listed.
        const options = yesNoSteps.has(r.step) && !r.options.length ? [] : choiceLabels(r, lang, t);
        const yesNo = r.options.length === 0 && yesNoSteps.has(r.step);
        const note = r.localNote ? t('chat.property_rules', { rules: r.localNote[lang] }) : '';
        out.push(env.render('chat/question.njk', { t, q: r, options, yesNo, note }).trim());
        break;
      }
      case 'results':
        out.push(...renderResults(r.result, t, lang));
        break;
      case 'summary': {
        const programs = r.result.programs
          .filter((p) => isReferred(p.verdict))
          .map((p) => t(`programs.${p.id}`));
        const data = {
          t,
          name: r.name,
          phone: r.phone,
          idNumber: r.idNumber,
          programs: programs.join(t('cli.listSeparator')),
        };
        out.push(env.render('chat/summary.njk', data).trim());
        break;
      }
      case 'choose': {
        const options = r.options.map((o) => (o.text ? o.text[lang] : t(`chat.options.${o.label}`)));
        out.push(env.render('chat/choose.njk', { t, key: r.key, options }).trim());
        break;
      }
      case 'status':
        out.push(
          t('chat.wechat.status_reply', { reference: r.reference, state: t(`web.status.states.${r.state}`) }),
        );
        break;
      case 'office': {
        const office = officeView(r.office, lang, (county) => t(`chat.options.county_${county}`));
        out.push(env.render('chat/office.njk', { t, office }).trim());
        break;
      }
    }
  }
  return out;
}

function renderResults(result: Parameters<typeof resultView>[1], t: TFunction, lang: Language): string[] {
  const env = textTemplates();
  const view = resultView(t, result, lang);
  const byId = new Map(result.programs.map((p) => [p.id, p]));
  const messages = [t('chat.results.title')];
  if (view.programs.length === 0) messages.push(t('chat.results.none'));
  for (const p of view.programs) {
    const reason = oneLineReason(byId.get(p.id as ProgramResult['id'])!);
    messages.push(
      env
        .render('chat/program.njk', {
          t,
          p: p as ProgramView,
          reason: reason && reasonText(t, reason, lang, result.jurisdiction),
        })
        .trim(),
    );
  }
  if (view.askTownship) messages.push(t('chat.results.askTownship', { names: view.askTownship }));
  messages.push(t('chat.results.decides'));
  return messages;
}

/** The reason that says most in one line: the last criterion met with a comparison in it. */
export function oneLineReason(p: ProgramResult): Reason | undefined {
  const met = p.reasons.filter((r) => r.kind === 'met');
  return (
    met.findLast((r) => Object.keys(r.params).length > 0) ??
    met.at(-1) ??
    p.reasons.find((r) => r.kind === 'unknown') ??
    p.reasons[0]
  );
}
