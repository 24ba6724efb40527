/**
 * One message to a started server's conversation API, as the web chat sends it: no id starts a
 * conversation, an id continues it (on this server or another on the same store). A refused
 * request throws with its status, so a test never reads replies out of an error page.
 */
import type { Started } from './start-server.ts';

export interface ConversationReply {
  id: string;
  replies: string[];
  phase: string;
}

export async function say(server: Started, id: string | undefined, text: string): Promise<ConversationReply> {
  const res = await fetch(
    server.base + (id ? `/api/v1/conversations/${id}/messages` : '/api/v1/conversations'),
    {
      method: 'POST',
      body: JSON.stringify({ text }),
      headers: { 'content-type': 'application/json' },
    },
  );
  if (!res.ok) throw new Error(`conversation API answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as ConversationReply;
}
