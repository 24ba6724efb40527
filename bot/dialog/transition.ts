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
import { type Reply, text } from './replies.ts';
import { maxBackSteps, newSession, type Session } from './session.ts';
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
  /** Records a call-back request for the township ("talk to a person"); may resolve to its reference. */
  requestCallback: (session: Session) => Promise<unknown>;
  /** The resident asked for deletion: removes the person from every store (delete-person.ts). */
  requestDeletion?: (reference: string) => Promise<boolean>;
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
      return [text('chat.commands.delete_ask_phone')];
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
  const session = { ...s, current, misses: 0, remaining: next.remaining };
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
    about: s.asked + 1 + (s.remaining ?? 0),
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
      return ask({ ...newSession(s.id, s.lang, s.updatedAt), createdAt: s.createdAt }, deps, [
        text('chat.commands.restarted'),
      ]);
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
      if ((await unlessNotSaved(() => deps.requestCallback(s))) === notSaved)
        return { session: s, replies: [text('chat.hints.not_saved'), ...repeat(s, deps)] };
      return { session: s, replies: [text('chat.commands.person')] };
    case 'delete':
      // A sent referral is deleted only with the same proof as on the status page (the whole
      // phone number): a conversation id alone, or a phone left unlocked, must not withdraw a
      // case, and nothing about it (not even its reference) is said before the proof.
      if (s.referral?.reference)
        return {
          session: { ...s, phase: 'delete_phone' },
          replies: [text('chat.commands.delete_ask_phone')],
        };
      return { session: null, replies: [text('chat.commands.deleted')] };
    case 'changed':
      return situationChanged(s, deps);
  }
}

/** The whole phone number for a referral-linked conversation's "delete"; anything else keeps it. */
async function confirmDeletion(s: Session, input: string, deps: DialogDeps): Promise<Outcome> {
  const reference = s.referral?.reference;
  const done: Session = { ...s, phase: 'done' };
  if (!reference) return { session: null, replies: [text('chat.commands.deleted')] };
  const phone = readPhone(input) ?? '';
  const proof = deps.provePhone
    ? await deps.provePhone(reference, phone)
    : { ok: sameSecret(s.referral?.phone ?? '', phone), locked: false as const };
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
  return { session: null, replies: [text('chat.commands.deleted_with_referral', { reference })] };
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
