/**
 * What a log line may say about a request. Conversation and result ids open a resident's
 * session, and a reference number (TE-4F7K2M9Q) names a referral: neither is written to logs,
 * wherever it appears in a path or a message (also percent-encoded, in any letter case).
 */
const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
/** A results page's address token (results-store.ts): 43 base64url characters. */
const resultsToken = /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g;
const reference = /(?<![A-Za-z0-9])[A-Za-z]{2}(?:-|%2d)[0-9A-Za-z]{8}(?![A-Za-z0-9])/gi;
/** A staff referral page names its referral in the path, whatever was typed there. */
const staffReferral = /^(\/staff\/referrals\/)[^/]+/i;

export function maskReferences(text: string): string {
  return text.replace(reference, ':ref');
}

export function loggedPath(path: string): string {
  return maskReferences(
    path.replace(uuid, ':id').replace(resultsToken, ':id').replace(staffReferral, '$1:ref'),
  );
}
