/**
 * A caseworker signed in over HTTP, the first password changed as the server demands: a client
 * with a live staff session, for tests of the staff pages against a started server.
 */
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
