/**
 * A caseworker signed in over HTTP, the first password changed as the server demands: a client
 * with a live staff session, for tests of the staff pages against a started server.
 */
import { currentTotp } from '../../server/staff/totp.ts';
import { PageClient } from './browser-session.ts';

export async function signIn(base: string, username: string, password: string): Promise<PageClient> {
  const page = new PageClient(base);
  await page.get('/staff/login');
  await page.post('/staff/login', { username, password });
  await page.get('/staff/password');
  const next = `${username} new password`;
  await page.post('/staff/password', { current: password, new: next, repeat: next });
  await page.get('/staff');
  if (page.status !== 200) throw new Error(`${username} could not sign in (${page.status})`);
  return page;
}

/**
 * A county admin signed in for the first time over HTTP: the password, the second factor
 * enrolled (a county admin must), then the first password changed. Returns the client and the
 * authenticator secret.
 */
export async function signInAdmin(
  base: string,
  username: string,
  password: string,
): Promise<{ page: PageClient; secret: string }> {
  const page = new PageClient(base);
  await page.get('/staff/login');
  await page.post('/staff/login', { username, password });
  await page.get('/staff/totp/setup');
  const secret = /id="totp-secret">([A-Z2-7]{32})</.exec(page.last)?.[1];
  if (!secret) throw new Error(`${username}: no second-factor set-up page (${page.status})`);
  await page.post('/staff/totp/setup', { secret, code: currentTotp(secret) });
  await page.get('/staff/password');
  const next = `${username} new password`;
  await page.post('/staff/password', { current: password, new: next, repeat: next });
  await page.get('/staff');
  if (page.status !== 200) throw new Error(`${username} could not sign in (${page.status})`);
  return { page, secret };
}
