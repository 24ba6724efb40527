/**
 * The dialog as one transition: (session, input) → (session', replies). Channel-independent:
 * WeChat, the web page and the terminal call `handle` and render the replies. Pure apart from
 * `deps.submitReferral`, which stores a referral durably before its reference number is given.
 */
import type { Language } from '../../locales/i18n.ts';
import type { ScreenResult } from '../../rules/engine/result.ts';
import type { Screener } from '../../rules/engine/screen.ts';
import { maskId, readIdNumber, readName, readPhone } from '../referral/contact.ts';
import { type ProofResult, sameSecret } from '../referral/contact-proof.ts';
import { StoreWriteError } from '../store/store-errors.ts';
import { detectLanguage } from '../language/detect.ts';
import { normalizeAnswer } from '../parse/normalize.ts';
import { parseYesNo } from '../parse/yes-no.ts';
import { type Command, type CommandWords, readCommand } from './commands.ts';
import { nextQuestion, screenAnswers } from './next-question.ts';
import { readAnswer } from './read-answer.ts';
import { officeInfo } from '../referral/township-office.ts';
import { type Reply, text } from './replies.ts';
import { type CallbackDraft, maxBackSteps, newSession, type Phase, type Session } from './session.ts';
import { type Ask, type StepContext, steps } from './steps.ts';

export interface DialogDeps {
  screener: Screener;
  steps: StepContext;
  commands: CommandWords;
  /** Words that pick an option, in every language (from the locales). */
  optionWords: (label: string) => string[];
  /** Words that skip an optional question ("跳过", "ئاتلاش" ...), normalized. */
  skipWords: ReadonlySet<string>;
  newId: () => string;
  now: () => string;
  /** Evaluation date for screening (tests); default: today in China. */
  date?: string;
  /** Stores the referral durably and returns its reference number. */
  submitReferral: (session: Session, result: ScreenResult) => Promise<string>;
  /**
   * Records a call-back request for the township ("talk to a person") from `session.callback`
   * (or a sent referral's contact); called only with a phone that passed `readPhone`. May
   * resolve to its reference.
   */
  requestCallback: (session: Session) => Promise<unknown>;
  /**
   * The resident asked for deletion: removes the person from every store (delete-person.ts).
   * `during.conversation`: the conversation whose turn asks, deleted by that turn (session-loop.ts).
   */
  requestDeletion?: (reference: string, during?: { conversation?: string }) => Promise<boolean>;
  /**
   * Checks the whole phone number against the referral, counting wrong tries per reference
   * (contact-proof.ts); without it the number the session holds is compared.
   */
  provePhone?: (reference: string, phone: string) => Promise<ProofResult>;
}

export interface Outcome {
  /** null when the resident deleted their data: the caller removes the stored session. */
  session: Session | null;
  replies: Reply[];
}

const maxMisses = 3;

export async function handle(
  session: Session | undefined,
  input: string,
  deps: DialogDeps,
): Promise<Outcome> {
  const now = deps.now();
  if (!session) return start(input, deps, now);
  const s: Session = { ...session, updatedAt: now };

  const command = readCommand(input, deps.commands);
  if (command) return runCommand(command, s, deps);

  switch (s.phase) {
    case 'language':
      return chooseLanguage(s, input, deps);
    case 'resume':
      return resume(s, input, deps);
    case 'questions':
      return answerQuestion(s, input, deps);
    case 'results':
      return decideReferral(s, input);
    case 'referral_consent':
      return giveConsent(s, input);
    case 'referral_name':
      return giveName(s, input);
    case 'referral_phone':
      return givePhone(s, input);
    case 'referral_id':
      return giveIdNumber(s, input, deps);
    case 'referral_confirm':
      return confirmReferral(s, input, deps);
    case 'done':
      return { session: s, replies: [text('chat.done.again')] };
    case 'delete_phone':
      return confirmDeletion(s, input, deps);
    case 'delete_confirm':
      return confirmDelete(s, input, deps);
    case 'restart_confirm':
      return confirmRestart(s, input, deps);
    case 'person_county':
      return personCounty(s, input, deps);
    case 'person_township':
      return personTownship(s, input, deps);
    case 'person_consent':
      return personConsent(s, input, deps);
    case 'person_name':
      return personName(s, input);
    case 'person_phone':
      return personPhone(s, input, deps);
  }
}

/**
 * A resident comes back to an unfinished conversation (after a restart, or a long pause):
 * the channel calls this instead of answering, and the next message says continue or restart.
 */
export function welcomeBack(session: Session): Outcome {
  if (session.phase === 'done' || session.phase === 'resume') return { session, replies: [] };
  return {
    session: { ...session, phase: 'resume', resumePhase: session.phase },
    replies: [text('chat.resume.ask')],
  };
}

function resume(s: Session, input: string, deps: DialogDeps): Outcome {
  const yes = yesNo(s, input);
  if (yes === undefined)
    return { session: s, replies: [text('chat.hints.not_yes_no'), text('chat.resume.ask')] };
  if (!yes)
    return ask({ ...newSession(s.id, s.lang, s.updatedAt), createdAt: s.createdAt }, deps, [
      text('chat.commands.restarted'),
    ]);
  const phase = s.resumePhase ?? 'questions';
  const continued: Session = { ...s, phase, resumePhase: undefined };
  if (detours.has(phase)) return { session: continued, replies: promptAgain(continued, deps) };
  if (phase === 'questions' && continued.current)
    return { session: continued, replies: [questionReply(continued, continued.current, deps)] };
  return {
    session: continued,
    replies: [text(`chat.resume.${phase === 'results' ? 'results' : 'continued'}`)],
  };
}

function start(input: string, deps: DialogDeps, now: string): Promise<Outcome> | Outcome {
  const detected = detectLanguage(input);
  const s = newSession(deps.newId(), detected.lang ?? 'zh', now);
  if (!detected.confident) {
    s.phase = 'language';
    return { session: s, replies: [text('chat.greeting'), text('chat.language.choose')] };
  }
  return ask(s, deps, [text('chat.greeting'), text('chat.language.switch_hint')]);
}

/**
 * A channel that already knows the language (the web page, chosen by the resident) starts here:
 * no detection, straight to the first question. `answers` may carry what the link knew (the
 * county and township on a village poster's QR code).
 */
export function startIn(lang: Language, deps: DialogDeps, answers: Session['answers'] = {}): Outcome {
  const s = { ...newSession(deps.newId(), lang, deps.now()), answers };
  return ask(s, deps, [text('chat.greeting')]);
}

/** What the resident was last asked, again (a page reloaded, a channel reconnected). */
export function promptAgain(s: Session, deps: DialogDeps): Reply[] {
  switch (s.phase) {
    case 'language':
      return [text('chat.language.choose')];
    case 'resume':
      return [text('chat.resume.ask')];
    case 'questions':
      return s.current ? [questionReply(s, s.current, deps)] : ask(s, deps).replies;
    case 'results':
      return [{ kind: 'results', result: screenNow(s, deps) }, text('chat.referral.offer')];
    case 'referral_consent':
      return [text('chat.referral.purpose'), text('chat.referral.consent')];
    case 'referral_name':
      return [text('chat.referral.name')];
    case 'referral_phone':
      return [text('chat.referral.phone')];
    case 'referral_id':
      return [text('chat.referral.id')];
    case 'referral_confirm':
      return [text('chat.referral.confirm')];
    case 'done':
      return s.referral?.reference
        ? [text('chat.referral.sent', { reference: s.referral.reference })]
        : [text('chat.done.again')];
    case 'delete_phone':
      return [
        text(s.referral?.reference ? 'chat.commands.delete_ask_phone' : 'chat.person.delete_ask_phone'),
      ];
    case 'delete_confirm':
      return [text('chat.commands.delete_ask')];
    case 'restart_confirm':
      return [text('chat.commands.restart_ask')];
    case 'person_county':
      return [countyChoice(deps)];
    case 'person_township':
      return [townshipChoice(s.callback?.county ?? '', deps)];
    case 'person_consent':
      return [text('chat.person.purpose'), text('chat.person.consent')];
    case 'person_name':
      return [text('chat.person.name')];
    case 'person_phone':
      return [text('chat.referral.phone')];
  }
}

const languageChoices: Record<string, Language> = { '1': 'zh', '2': 'ug', '3': 'kk' };

function chooseLanguage(s: Session, input: string, deps: DialogDeps): Promise<Outcome> | Outcome {
  const n = normalizeAnswer(input);
  const detected = detectLanguage(input);
  const lang = languageChoices[n] ?? (detected.confident ? detected.lang : undefined);
  if (!lang) return { session: s, replies: [text('chat.language.choose')] };
  return ask({ ...s, lang, phase: 'questions' }, deps, [text('chat.language.chosen')]);
}

/** Asks the next question, or shows the results when no program needs anything more. */
function ask(s: Session, deps: DialogDeps, before: Reply[] = []): Outcome {
  const next = nextQuestion(s.answers, s.progress, {
    screener: deps.screener,
    steps: deps.steps,
    ...(deps.date ? { date: deps.date } : {}),
  });
  if ('done' in next) {
    return {
      // "Back" works only among the questions: its snapshots (most of a session's size) go.
      session: { ...s, phase: 'results', current: null, back: [] },
      replies: [...before, { kind: 'results', result: next.done }, text('chat.referral.offer')],
    };
  }
  const current = next.ask;
  // The total shown never goes down mid-conversation ("about 14 → 12 → 15" read as a mistake):
  // finishing earlier than said is good news; it rises only when more questions are certain.
  const estimate = s.asked + 1 + next.remaining;
  const about = s.asked === 0 ? estimate : Math.max(s.about ?? 0, estimate);
  const session = { ...s, current, misses: 0, remaining: next.remaining, about };
  return { session, replies: [...before, questionReply(session, current, deps)] };
}

function questionReply(s: Session, current: Ask, deps: DialogDeps): Reply {
  const def = steps[current.step];
  const reply: Reply = {
    kind: 'question',
    step: current.step,
    options: def.options ? def.options(s.answers, deps.steps) : [],
    number: s.asked + 1,
    // Answered + this one + what the rules still seem to need: an estimate, said as "about".
    about: Math.max(s.about ?? 0, s.asked + 1 + (s.remaining ?? 0)),
  };
  const age = current.subject !== undefined ? s.answers.members?.[current.subject]?.age : undefined;
  if (age !== undefined) reply.subjectAge = age;
  const rules =
    current.step === 'property' && s.answers.jurisdiction
      ? deps.steps.propertyRules(s.answers.jurisdiction)
      : undefined;
  if (rules) reply.localNote = rules;
  return reply;
}

function answerQuestion(s: Session, input: string, deps: DialogDeps): Outcome {
  if (!s.current) return ask(s, deps);
  const def = steps[s.current.step];
  const options = def.options ? def.options(s.answers, deps.steps) : [];
  const read = readAnswer(def.kind, input, options, {
    lang: s.lang,
    answers: s.answers,
    optionWords: deps.optionWords,
  });
  if (!read.ok) {
    const misses = s.misses + 1;
    const replies: Reply[] = [
      text(`chat.hints.${read.error}`, read.params),
      questionReply(s, s.current, deps),
    ];
    if (misses >= maxMisses) replies.push(text('chat.offer_person'));
    return { session: { ...s, misses }, replies };
  }
  const snapshot = { answers: s.answers, progress: s.progress, current: s.current, asked: s.asked };
  const fromQueue = s.progress.pending[0] === s.current || sameAsk(s.progress.pending[0], s.current);
  const pending = fromQueue ? s.progress.pending.slice(1) : s.progress.pending;
  const askedSteps = fromQueue ? s.progress.asked : [...s.progress.asked, s.current.step];
  const { answers, followUps } = def.apply(s.answers, read.value as never, s.current.subject);
  const said = def.kind === 'amount' ? [understood(s.current.step, read.value as number, read.range)] : [];
  return ask(
    {
      ...s,
      answers,
      progress: { pending: [...(followUps ?? []), ...pending], asked: askedSteps },
      asked: s.asked + 1,
      back: [...s.back, snapshot].slice(-maxBackSteps),
    },
    deps,
    said,
  );
}

/**
 * An amount is said back before the next question ("understood: 700 yuan a month"), a range
 * with both ends and the middle taken, so a misread figure is seen and fixed with "back".
 */
function understood(step: Ask['step'], value: number, range?: [number, number]): Reply {
  const what = step === 'income' ? 'income' : step === 'emergency_months' ? 'months' : 'expense';
  const figure = (n: number) => String(Math.round(n * 100) / 100);
  return range
    ? text(`chat.understood.${what}_range`, {
        amount: figure(value),
        low: figure(range[0]),
        high: figure(range[1]),
      })
    : text(`chat.understood.${what}`, { amount: figure(value) });
}

const sameAsk = (a: Ask | undefined, b: Ask) =>
  a !== undefined && a.step === b.step && a.subject === b.subject;

function yesNo(s: Session, input: string): boolean | undefined {
  const n = normalizeAnswer(input);
  if (n === '1') return true;
  if (n === '2') return false;
  const r = parseYesNo(input, s.lang);
  return r.ok ? r.value : undefined;
}

function decideReferral(s: Session, input: string): Outcome {
  const yes = yesNo(s, input);
  if (yes === undefined)
    return { session: s, replies: [text('chat.hints.not_yes_no'), text('chat.referral.offer')] };
  if (!yes) return { session: { ...s, phase: 'done' }, replies: [text('chat.referral.declined')] };
  return {
    session: { ...s, phase: 'referral_consent' },
    replies: [text('chat.referral.purpose'), text('chat.referral.consent')],
  };
}

function giveConsent(s: Session, input: string): Outcome {
  const yes = yesNo(s, input);
  if (yes === undefined)
    return { session: s, replies: [text('chat.hints.not_yes_no'), text('chat.referral.consent')] };
  if (!yes)
    return {
      session: { ...s, phase: 'done', referral: { consent: false } },
      replies: [text('chat.referral.no_consent')],
    };
  return {
    session: { ...s, phase: 'referral_name', referral: { consent: true } },
    replies: [text('chat.referral.name')],
  };
}

function giveName(s: Session, input: string): Outcome {
  const name = readName(input);
  if (!name) return { session: s, replies: [text('chat.hints.bad_name'), text('chat.referral.name')] };
  return {
    session: { ...s, phase: 'referral_phone', referral: { ...s.referral!, name } },
    replies: [text('chat.referral.phone')],
  };
}

function givePhone(s: Session, input: string): Outcome {
  const phone = readPhone(input);
  if (!phone) return { session: s, replies: [text('chat.hints.bad_phone'), text('chat.referral.phone')] };
  return {
    session: { ...s, phase: 'referral_id', referral: { ...s.referral!, phone } },
    replies: [text('chat.referral.id')],
  };
}

/** The ID number is optional (collect the minimum): skipped, or checked with its check digit. */
function giveIdNumber(s: Session, input: string, deps: DialogDeps): Outcome {
  const skipped = deps.skipWords.has(normalizeAnswer(input));
  const id = skipped ? undefined : readIdNumber(input);
  if (!skipped && !id) return { session: s, replies: [text('chat.hints.bad_id'), text('chat.referral.id')] };
  const referral = { ...s.referral! };
  if (skipped) delete referral.idNumber;
  else referral.idNumber = id!;
  const session: Session = { ...s, phase: 'referral_confirm', referral };
  const summary: Reply = {
    kind: 'summary',
    name: referral.name!,
    phone: referral.phone!,
    result: screenNow(session, deps),
  };
  if (referral.idNumber) summary.idNumber = maskId(referral.idNumber);
  return { session, replies: [summary, text('chat.referral.confirm')] };
}

async function confirmReferral(s: Session, input: string, deps: DialogDeps): Promise<Outcome> {
  const yes = yesNo(s, input);
  if (yes === undefined)
    return { session: s, replies: [text('chat.hints.not_yes_no'), text('chat.referral.confirm')] };
  if (!yes) return { session: { ...s, phase: 'referral_name' }, replies: [text('chat.referral.name')] };
  // On disk before the resident is told the number (deps.submitReferral writes durably).
  const reference = await unlessNotSaved(() => deps.submitReferral(s, screenNow(s, deps)));
  if (reference === notSaved)
    return { session: s, replies: [text('chat.hints.not_saved'), text('chat.referral.confirm')] };
  return {
    session: { ...s, phase: 'done', referral: { ...s.referral!, reference } },
    replies: [text('chat.referral.sent', { reference })],
  };
}

function screenNow(s: Session, deps: DialogDeps): ScreenResult {
  return screenAnswers(s.answers, {
    screener: deps.screener,
    steps: deps.steps,
    ...(deps.date ? { date: deps.date } : {}),
  });
}

async function runCommand(command: Command, s: Session, deps: DialogDeps): Promise<Outcome> {
  switch (command) {
    case 'back': {
      const previous = s.back.at(-1);
      if (!previous || s.phase !== 'questions')
        return { session: s, replies: [text('chat.commands.back_none')] };
      const restored = { ...s, ...previous, back: s.back.slice(0, -1), misses: 0 };
      return { session: restored, replies: [questionReply(restored, previous.current!, deps)] };
    }
    case 'restart':
      // Answers cannot come back once cleared: asked first, unless there is nothing to lose.
      if (!hasAnswers(s)) return restart(s, deps);
      return {
        session: { ...s, phase: 'restart_confirm', returnTo: returnPhase(s) },
        replies: [text('chat.commands.restart_ask')],
      };
    case 'language':
      return { session: { ...s, phase: 'language' }, replies: [text('chat.language.choose')] };
    case 'help':
      return { session: s, replies: [text('chat.commands.help'), ...repeat(s, deps)] };
    case 'why':
      return {
        session: s,
        replies: s.current
          ? [text(`chat.why.${s.current.step}`), ...repeat(s, deps)]
          : [text('chat.why.general')],
      };
    case 'person':
      return askForPerson(s, deps);
    case 'delete':
      // A sent referral (or stored call-back) is deleted only with the same proof as on the
      // status page (the whole phone number): a conversation id alone, or a phone left
      // unlocked, must not withdraw a case, and nothing about it (not even its reference) is
      // said before the proof. That number is the confirmation too.
      if (s.referral?.reference)
        return {
          session: { ...s, phase: 'delete_phone', returnTo: returnPhase(s) },
          replies: [text('chat.commands.delete_ask_phone')],
        };
      if (s.callback?.reference)
        return {
          session: { ...s, phase: 'delete_phone', returnTo: returnPhase(s) },
          replies: [text('chat.person.delete_ask_phone')],
        };
      // Nothing sent: one tap must still not wipe every answer, so "are you sure?" first.
      return {
        session: { ...s, phase: 'delete_confirm', returnTo: returnPhase(s) },
        replies: [text('chat.commands.delete_ask')],
      };
    case 'changed':
      return situationChanged(s, deps);
  }
}

/** The whole phone number for a referral-linked conversation's "delete"; anything else keeps it. */
async function confirmDeletion(s: Session, input: string, deps: DialogDeps): Promise<Outcome> {
  const sent = s.referral?.reference ? s.referral : s.callback;
  const reference = sent?.reference;
  // A wrong number deletes nothing and the resident goes on where they were.
  const done: Session = { ...s, phase: s.returnTo ?? 'done', returnTo: undefined };
  if (!reference) return { session: null, replies: [text('chat.commands.deleted')] };
  const phone = readPhone(input) ?? '';
  const proof = deps.provePhone
    ? await deps.provePhone(reference, phone)
    : { ok: sameSecret(sent?.phone ?? '', phone), locked: false as const };
  if (!proof.ok)
    return {
      session: done,
      replies: [
        'locked' in proof && proof.locked
          ? text('chat.commands.delete_locked', { minutes: proof.minutes })
          : text('chat.commands.delete_phone_wrong'),
      ],
    };
  // Never say "deleted" unless the deletion is on disk.
  if ((await unlessNotSaved(() => deps.requestDeletion?.(reference) ?? Promise.resolve(false))) === notSaved)
    return { session: done, replies: [text('chat.hints.not_saved')] };
  const said = s.referral?.reference ? 'chat.commands.deleted_with_referral' : 'chat.person.deleted';
  return { session: null, replies: [text(said, { reference })] };
}

/** Yes/no after "delete" with nothing sent: yes forgets the conversation, no changes nothing. */
function confirmDelete(s: Session, input: string, deps: DialogDeps): Outcome {
  const yes = yesNo(s, input);
  if (yes === undefined)
    return { session: s, replies: [text('chat.hints.not_yes_no'), text('chat.commands.delete_ask')] };
  if (yes) return { session: null, replies: [text('chat.commands.deleted')] };
  return backTo(s, deps, [text('chat.commands.delete_kept')]);
}

/** Yes/no after "start over": yes clears the answers, no goes on where the resident was. */
function confirmRestart(s: Session, input: string, deps: DialogDeps): Outcome {
  const yes = yesNo(s, input);
  if (yes === undefined)
    return { session: s, replies: [text('chat.hints.not_yes_no'), text('chat.commands.restart_ask')] };
  if (yes) return restart(s, deps);
  return backTo(s, deps, [text('chat.commands.restart_kept')]);
}

function restart(s: Session, deps: DialogDeps): Outcome {
  return ask({ ...newSession(s.id, s.lang, s.updatedAt), createdAt: s.createdAt }, deps, [
    text('chat.commands.restarted'),
  ]);
}

/** Something a restart or a deletion would lose: an answer, a referral or a call-back. */
function hasAnswers(s: Session): boolean {
  return (
    Object.values(s.answers).some((v) => v !== undefined) ||
    s.referral !== undefined ||
    s.callback !== undefined
  );
}

/**
 * Confirmations and the call-back request are detours: the resident ends up back where they
 * were (the same question asked again), not somewhere new.
 */
const detours: ReadonlySet<Phase> = new Set<Phase>([
  'delete_phone',
  'delete_confirm',
  'restart_confirm',
  'person_county',
  'person_township',
  'person_consent',
  'person_name',
  'person_phone',
]);

/** Where a detour started now returns to (a detour begun inside another keeps the first's). */
function returnPhase(s: Session): Phase {
  return detours.has(s.phase) ? (s.returnTo ?? 'questions') : s.phase;
}

function backTo(s: Session, deps: DialogDeps, before: Reply[]): Outcome {
  const back: Session = { ...s, phase: s.returnTo ?? 'questions', returnTo: undefined };
  // The results are long: after a detour only their question is asked again.
  const again =
    back.phase === 'results'
      ? [text('chat.referral.offer')]
      : back.phase === 'done'
        ? []
        : promptAgain(back, deps);
  return { session: back, replies: [...before, ...again] };
}

/**
 * "Talk to a person". A call-back is stored only with a name and a phone someone can call,
 * given with their own consent, and routed to the township; a resident who would rather not
 * leave them gets the township office's phone, address and hours (as configured) and nothing
 * is stored. A sent referral already holds a phone given for the township to call.
 */
async function askForPerson(s: Session, deps: DialogDeps): Promise<Outcome> {
  if (s.phase.startsWith('person_')) return { session: s, replies: promptAgain(s, deps) };
  if (s.callback?.reference)
    return {
      session: s,
      replies: [text('chat.person.already', { reference: s.callback.reference }), officeReply(s, deps)],
    };
  if (s.referral?.reference && s.referral.phone) {
    const stored = await unlessNotSaved(() => deps.requestCallback(s));
    if (stored === notSaved)
      return { session: s, replies: [text('chat.hints.not_saved'), ...repeat(s, deps)] };
    const linked = typeof stored === 'string' ? { ...s, callback: { reference: stored } } : s;
    return { session: linked, replies: [...storedReplies(s.referral.phone, stored), officeReply(s, deps)] };
  }
  const callback: CallbackDraft = {};
  if (s.answers.jurisdiction) callback.county = s.answers.jurisdiction;
  if (s.answers.township) callback.township = s.answers.township;
  return personNext({ ...s, returnTo: returnPhase(s), callback }, deps);
}

/** The next thing the call-back needs: the county, the township (to route it), then consent. */
function personNext(s: Session, deps: DialogDeps, before: Reply[] = []): Outcome {
  const c = { ...s.callback };
  if (!c.county && deps.steps.counties.length === 1) c.county = deps.steps.counties[0];
  if (!c.county)
    return {
      session: { ...s, callback: c, phase: 'person_county' },
      replies: [...before, countyChoice(deps)],
    };
  if (!c.township && s.phase !== 'person_township' && deps.steps.townships(c.county).length)
    return {
      session: { ...s, callback: c, phase: 'person_township' },
      replies: [...before, townshipChoice(c.county, deps)],
    };
  return {
    session: { ...s, callback: c, phase: 'person_consent' },
    replies: [...before, text('chat.person.purpose'), text('chat.person.consent')],
  };
}

const countyOptions = (deps: DialogDeps) => steps.county.options!({}, deps.steps);
const townshipOptions = (county: string, deps: DialogDeps) =>
  steps.township.options!({ jurisdiction: county }, deps.steps);
const countyChoice = (deps: DialogDeps): Reply => ({
  kind: 'choose',
  key: 'chat.person.county',
  options: countyOptions(deps),
});
const townshipChoice = (county: string, deps: DialogDeps): Reply => ({
  kind: 'choose',
  key: 'chat.person.township',
  options: townshipOptions(county, deps),
});

function pickOption(s: Session, input: string, options: ReturnType<typeof countyOptions>, deps: DialogDeps) {
  const read = readAnswer('option', input, options, {
    lang: s.lang,
    answers: s.answers,
    optionWords: deps.optionWords,
  });
  return read.ok ? (read.value as string) : undefined;
}

function personCounty(s: Session, input: string, deps: DialogDeps): Outcome {
  const county = pickOption(s, input, countyOptions(deps), deps);
  if (!county) return { session: s, replies: [text('chat.hints.not_an_option'), countyChoice(deps)] };
  return personNext({ ...s, callback: { ...s.callback, county } }, deps);
}

/** The township, or "skip" (not known): then the call-back goes to the county's inbox. */
function personTownship(s: Session, input: string, deps: DialogDeps): Outcome {
  const county = s.callback?.county ?? '';
  if (deps.skipWords.has(normalizeAnswer(input))) return personNext(s, deps);
  const township = pickOption(s, input, townshipOptions(county, deps), deps);
  if (!township)
    return { session: s, replies: [text('chat.hints.not_an_option'), townshipChoice(county, deps)] };
  return personNext({ ...s, callback: { ...s.callback, township } }, deps);
}

/** The same separate consent as a referral's, for a name and a phone only; no: the office, nothing kept. */
function personConsent(s: Session, input: string, deps: DialogDeps): Outcome {
  const yes = yesNo(s, input);
  if (yes === undefined)
    return { session: s, replies: [text('chat.hints.not_yes_no'), text('chat.person.consent')] };
  if (yes) return { session: { ...s, phase: 'person_name' }, replies: [text('chat.person.name')] };
  const office = officeReply(s, deps);
  return backTo({ ...s, callback: undefined }, deps, [text('chat.person.declined'), office]);
}

function personName(s: Session, input: string): Outcome {
  const name = readName(input);
  if (!name) return { session: s, replies: [text('chat.hints.bad_name'), text('chat.person.name')] };
  return {
    session: { ...s, phase: 'person_phone', callback: { ...s.callback, name } },
    replies: [text('chat.referral.phone')],
  };
}

/** Stored (with fsync) only now, with a phone that reads as a real number. */
async function personPhone(s: Session, input: string, deps: DialogDeps): Promise<Outcome> {
  const phone = readPhone(input);
  if (!phone) return { session: s, replies: [text('chat.hints.bad_phone'), text('chat.referral.phone')] };
  const withPhone: Session = { ...s, callback: { ...s.callback, phone } };
  const stored = await unlessNotSaved(() => deps.requestCallback(withPhone));
  if (stored === notSaved)
    return { session: s, replies: [text('chat.hints.not_saved'), text('chat.referral.phone')] };
  const callback = { ...withPhone.callback, ...(typeof stored === 'string' ? { reference: stored } : {}) };
  return backTo({ ...withPhone, callback }, deps, [
    ...storedReplies(phone, stored),
    officeReply(withPhone, deps),
  ]);
}

function storedReplies(phone: string, reference: unknown): Reply[] {
  return [
    text('chat.person.stored', { phone }),
    ...(typeof reference === 'string' ? [text('chat.person.reference', { reference })] : []),
  ];
}

/** The township office as configured (or "not configured" with where to go instead). */
function officeReply(s: Session, deps: DialogDeps): Reply {
  const county = s.callback?.county ?? s.answers.jurisdiction ?? deps.steps.counties[0] ?? '';
  const township = s.callback?.county ? s.callback.township : s.answers.township;
  const office = officeInfo(deps.steps, county, township) ?? { county };
  return { kind: 'office', office };
}

const notSaved = Symbol('not saved');

/**
 * A durable write that failed (disk full, I/O error) stored nothing: the resident is told so and
 * stays where they were, with every answer kept, so the same words work again later.
 */
async function unlessNotSaved<T>(write: () => Promise<T>): Promise<T | typeof notSaved> {
  try {
    return await write();
  } catch (e) {
    if (e instanceof StoreWriteError) return notSaved;
    throw e;
  }
}

function repeat(s: Session, deps: DialogDeps): Reply[] {
  return s.phase === 'questions' && s.current ? [questionReply(s, s.current, deps)] : [];
}

/**
 * "My situation changed": keep the household (county, area, members, ages) and ask again what
 * changes — work capacity, income, health, spending, emergencies, what they receive.
 */
function situationChanged(s: Session, deps: DialogDeps): Outcome {
  const a = s.answers;
  const members = a.members?.map((m) => ({ age: m.age }));
  const answers = {
    jurisdiction: a.jurisdiction,
    township: a.township,
    area: a.area,
    size: a.size,
    members,
  } as Session['answers'];
  const fresh = {
    ...s,
    phase: 'questions' as const,
    answers,
    progress: { pending: [], asked: [] },
    current: null,
    asked: 0,
    back: [],
    referral: undefined,
  };
  return ask(fresh, deps, [text('chat.commands.changed')]);
}
