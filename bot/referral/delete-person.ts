/**
 * A resident's deletion request (PIPL Art. 47), the one function every path calls: the status
 * page, "delete" in any chat. The person goes from every store that holds what they told us:
 * their conversations (the web form's and chat's sessions, the WeChat contact's session and so
 * the contact mapping), the referral and call-backs linked to it, and every queue that still
 * carries something of theirs (township notices and webhooks, WeChat messages) — registered
 * by the stores' owners with `alsoForget`. Statistics (reference, township, programs, status)
 * stay, as do audit entries, which hold the reference only.
 *
 * Queues and conversations go first, the referral's personal data last: if a write fails
 * half-way (a full disk), the referral still has its phone, so the resident can prove it is
 * theirs and ask again, and the second request finishes the job.
 */
import type { Session } from '../dialog/session.ts';
import type { Collection } from '../store/collection-store.ts';
import { anonymised } from './anonymise.ts';
import type { ReferralRecord } from './referral-record.ts';

/** Who is being deleted: their references and their channel contacts (WeChat ids). */
export interface Person {
  references: ReadonlySet<string>;
  contacts: ReadonlySet<string>;
}
/** Removes a person from one store; resolves once that is on disk. */
export type Forget = (person: Person) => Promise<void>;

export interface PersonStores {
  referrals: Collection<ReferralRecord>;
  sessions: Collection<Session>;
  now: () => string;
}

/**
 * The referral, the call-backs linked to it (or it to them) and all of the same contact, paged
 * through the inbox until nothing is added (a deletion is rare; a query by link and contact
 * would spare the passes over a large inbox).
 */
export async function findPerson(
  referrals: Collection<ReferralRecord>,
  reference: string,
): Promise<Person | undefined> {
  const first = await referrals.get(reference);
  if (!first) return undefined;
  const references = new Set([reference]);
  const contacts = new Set<string>(first.contact ? [first.contact] : []);
  const linkedTo = (r: ReferralRecord) =>
    r.history.find((h) => h.action === 'created' && h.note)?.note ?? undefined;
  // Links run both ways (a call-back names its referral): repeat until nothing is added.
  for (let grew = true; grew; ) {
    grew = false;
    for await (const r of referrals.values()) {
      const link = linkedTo(r);
      const linked =
        references.has(r.reference) ||
        (link !== undefined && references.has(link)) ||
        (r.contact !== undefined && contacts.has(r.contact));
      if (!linked) continue;
      for (const add of [r.reference, link]) {
        if (add && !references.has(add) && (await referrals.has(add))) {
          references.add(add);
          grew = true;
        }
      }
      if (!references.has(r.reference)) continue;
      if (r.contact && !contacts.has(r.contact)) {
        contacts.add(r.contact);
        grew = true;
      }
    }
  }
  return { references, contacts };
}

/** A deletion asked for inside a conversation's turn (session-loop.ts), which holds that conversation. */
export interface DeletionContext {
  /**
   * The conversation asking: not deleted here but by its own turn once it ends (the turn holds
   * it as one atomic change, and on PostgreSQL a delete from here would wait on that lock forever).
   */
  conversation?: string;
}

export function personDeletion(stores: PersonStores) {
  const forgetters: Forget[] = [];

  const forgetSessions = async ({ references, contacts }: Person, keep: string | undefined) => {
    const theirs = new Set<string>();
    const pages: [string, string][] = [];
    for await (const [id, s] of stores.sessions.entries()) {
      if (
        (s.referral?.reference !== undefined && references.has(s.referral.reference)) ||
        (s.callback?.reference !== undefined && references.has(s.callback.reference)) ||
        (s.contact !== undefined && contacts.has(s.contact))
      )
        theirs.add(id);
      else if (s.resultsOf !== undefined) pages.push([id, s.resultsOf]);
    }
    // Results pages made from those conversations (a chat's "keep or print" link) go with them.
    const theirPages = pages.filter(([, of]) => theirs.has(of)).map(([id]) => id);
    for (const id of [...theirs, ...theirPages]) if (id !== keep) await stores.sessions.deleteDurably(id);
  };

  return {
    /** A store that keeps something of residents registers how to forget one. */
    alsoForget(forget: Forget) {
      forgetters.push(forget);
    },
    /**
     * Deletes the person behind a reference everywhere; false when there is no such referral.
     * Throws StoreWriteError when a write fails (nothing may then be claimed as deleted).
     */
    async deletePerson(reference: string, during: DeletionContext = {}): Promise<boolean> {
      const person = await findPerson(stores.referrals, reference);
      if (!person) return false;
      await forgetSessions(person, during.conversation);
      for (const forget of forgetters) await forget(person);
      const at = stores.now();
      for (const ref of person.references) {
        // One change of the case as stored, so a caseworker's change made meanwhile is
        // anonymised too rather than overwritten by an older copy; durable: on disk (fsync)
        // before the resident is told their data is gone, and a failed write is undone.
        await stores.referrals.update(
          ref,
          (r) =>
            !r || (r.anonymisedAt && !r.name && !r.phone)
              ? undefined
              : anonymised(r, at, 'deletion_requested'),
          { durable: true },
        );
      }
      return true;
    },
  };
}
export type PersonDeletion = ReturnType<typeof personDeletion>;
