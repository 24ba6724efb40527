/**
 * A conversation's state: plain JSON stamped with a version (grammY conversations' pinVersion):
 * a stored session of another version is dropped and the resident starts afresh, never crashed on.
 */
import { z } from 'zod';
import type { Language } from '../../locales/i18n.ts';
import type { Answers } from './answers.ts';
import type { Reply } from './replies.ts';
import type { Progress } from './next-question.ts';
import type { Ask } from './steps.ts';

export const sessionVersion = 1;

export type Phase =
  | 'language'
  | 'resume'
  | 'questions'
  | 'results'
  | 'referral_consent'
  | 'referral_name'
  | 'referral_phone'
  | 'referral_id'
  | 'referral_confirm'
  | 'done'
  /** "Delete" on a conversation that sent a referral: waiting for the whole phone number. */
  | 'delete_phone'
  /** "Delete" with nothing sent: "are you sure?" (yes/no), as the answers cannot come back. */
  | 'delete_confirm'
  /** "Start over" with answers given: "are you sure? your answers will be cleared" (yes/no). */
  | 'restart_confirm'
  /** "Talk to a person": which county, which township (for routing), if not yet answered. */
  | 'person_county'
  | 'person_township'
  /** "May we keep your name and phone for the call-back?" — no: the office's number instead. */
  | 'person_consent'
  | 'person_name'
  | 'person_phone';

export interface ReferralDraft {
  /** Separate, explicit consent to store health, disability and income answers (PIPL Art. 28–29). */
  consent: boolean;
  name?: string;
  phone?: string;
  /** Optional: only if the resident chooses to give it. */
  idNumber?: string;
  /** Optional: the village or address, to help the township find the household. */
  village?: string;
  reference?: string;
}

/**
 * A call-back request being made ("talk to a person"): only a name and a phone, kept with their
 * own consent and stored only once the phone is a real number (never a call-back nobody can
 * return). The place routes it; the reference lets "delete" find it again.
 */
export interface CallbackDraft {
  county?: string;
  township?: string;
  name?: string;
  phone?: string;
  reference?: string;
}

/** One exchange in the web chat: the resident's answer (as they saw it) and the replies to it. */
export interface Turn {
  lang: Language;
  said?: string;
  /** The answer was a name, phone or ID number: it is not kept, only that one was given. */
  hidden?: true;
  replies: Reply[];
}

interface Snapshot {
  answers: Answers;
  progress: Progress;
  current: Ask | null;
  asked: number;
}

export interface Session {
  v: typeof sessionVersion;
  id: string;
  lang: Language;
  phase: Phase;
  answers: Answers;
  progress: Progress;
  current: Ask | null;
  /** Questions answered so far (the "question 4 of about 12" counter). */
  asked: number;
  /** Questions likely after the current one (for the progress line). */
  remaining?: number;
  /** The "about" total shown last: kept so that it never goes down mid-conversation. */
  about?: number;
  /** Wrong answers to the current question; after three a person is offered. */
  misses: number;
  /** For "back": the state before each answer, newest last, bounded. */
  back: Snapshot[];
  referral?: ReferralDraft;
  /** The channel's address for the resident (a WeChat contact id), for status notices. */
  contact?: string;
  /**
   * What the web chat showed, so a reloaded page shows the conversation so far: newest last,
   * bounded. Results and the referral summary are not kept (the page shows them again from the
   * answers), nor a name, phone or ID number the resident typed.
   */
  transcript?: Turn[];
  /** While asking "continue or start over?": the phase to continue in. */
  resumePhase?: Phase;
  /**
   * A results page (the session id is then its address): deleted at this time whatever
   * happens in between, so "kept until" on the page is a promise.
   */
  expiresAt?: string;
  /** The web form as typed, so "change answers" on a results page brings it back filled in. */
  form?: Record<string, string | string[]>;
  /** A results page made from a chat: the chat's session, so deleting that one deletes this too. */
  resultsOf?: string;
  /** During a confirmation or a call-back request: the phase to go back to afterwards. */
  returnTo?: Phase;
  callback?: CallbackDraft;
  createdAt: string;
  updatedAt: string;
}

/** "Back" keeps the last few states only: each holds the answers, and sessions stay small. */
export const maxBackSteps = 5;

/**
 * Stored sessions are checked only for their envelope: a session of another version must not
 * stop the store from opening; `loadSession` drops it and the resident starts afresh.
 */
export const storedSessionSchema = z.looseObject({
  v: z.number(),
  id: z.string(),
}) as unknown as z.ZodType<Session>;

/**
 * How sessions are stored: sharded, written at most once a second, atomically but without
 * fsync (progress can be re-answered; a referral is stored with fsync before it is confirmed).
 */
export const sessionStoreOptions = { shards: 16, coalesceMs: 1000, fsync: false } as const;

/**
 * Encrypted at rest: the answers (also in each "back" snapshot), the contact details typed
 * before sending (the referral draft), the call-back's name and phone, the channel's address
 * for the resident, what the web chat showed (answers as typed) and the web form as typed.
 */
export const sessionPersonalFields = [
  'answers',
  'back',
  'referral',
  'contact',
  'callback',
  'transcript',
  'form',
] as const;

export function loadSession(stored: Session | undefined): Session | undefined {
  return stored?.v === sessionVersion ? stored : undefined;
}

export function newSession(id: string, lang: Language, now: string): Session {
  return {
    v: sessionVersion,
    id,
    lang,
    phase: 'questions',
    answers: {},
    progress: { pending: [], asked: [] },
    current: null,
    asked: 0,
    misses: 0,
    back: [],
    createdAt: now,
    updatedAt: now,
  };
}
