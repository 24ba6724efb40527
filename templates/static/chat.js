// Chat without page reloads: the same form post the no-JavaScript page makes, sent in the
// background; the answer and the replies are appended, the form replaced by the new one.
// If anything fails, the typed answer stays in the box and a message says to try again.
(() => {
  const box = document.getElementById('composer-box');
  const chat = document.getElementById('chat');
  if (!box || !chat || !window.fetch || !window.DOMParser) return;
  // The buttons under the chat carry the choices: the numbered lists in the bubbles (for pages
  // without JavaScript) would say them twice.
  document.documentElement.classList.add('js');
  let busy = false;

  /**
   * The resident switched language: the page around the chat follows (header, title, footer,
   * the address), while the bubbles already shown keep their own lang and dir.
   */
  const follow = (page, action) => {
    const root = document.documentElement;
    const lang = page.documentElement.lang;
    if (!lang || lang === root.lang) return;
    root.lang = lang;
    root.dir = page.documentElement.dir;
    document.title = page.title;
    document.body.className = page.body.className;
    for (const selector of ['.skip', 'header.top', 'main > h1', 'footer.foot']) {
      const mine = document.querySelector(selector);
      const theirs = page.querySelector(selector);
      if (mine && theirs) mine.replaceWith(document.importNode(theirs, true));
    }
    if (action && window.history?.replaceState) window.history.replaceState(null, '', action);
  };

  box.addEventListener('submit', async (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || busy) return;
    event.preventDefault();
    const data = new FormData(form);
    const submitter = event.submitter;
    if (submitter?.name) data.set(submitter.name, submitter.value);
    const status = form.querySelector('#chat-status');
    busy = true;
    if (status) status.textContent = status.dataset.sending || '';
    try {
      // getAttribute: form.action would be the button named "action", not the URL.
      const response = await fetch(form.getAttribute('action'), {
        method: 'POST',
        body: new URLSearchParams(data),
        credentials: 'same-origin',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      const page = new DOMParser().parseFromString(await response.text(), 'text/html');
      const turn = page.getElementById('turn');
      const next = page.getElementById('composer-box');
      if (!turn || !next) {
        // An error page (too many new conversations, storage full ...) says in the resident's
        // language what happened: show that, not "the network failed, tap again".
        const said = page.querySelector('[role="alert"]')?.textContent?.trim();
        if (said && status) {
          status.textContent = said;
          return;
        }
        throw new Error('unexpected page');
      }
      // The reply may be in another language (the resident switched): follow the page.
      follow(page, next.querySelector('form')?.getAttribute('action'));
      turn.removeAttribute('id');
      chat.append(turn);
      const old = document.getElementById('turn');
      if (old && old !== turn) old.removeAttribute('id');
      box.replaceChildren(...next.childNodes);
      const input = box.querySelector('#text');
      turn.scrollIntoView({ block: 'start', behavior: 'smooth' });
      if (input) input.focus({ preventScroll: true });
    } catch {
      if (status) status.textContent = status.dataset.error || '';
    } finally {
      busy = false;
    }
  });
})();
