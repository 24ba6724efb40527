// The roster job page with JavaScript: poll the job's progress (JSON) and move the bar; when
// the job has ended, load the page again to show the results. (Without JavaScript the page
// refreshes itself every 2 seconds instead: a <noscript> meta refresh.)
(() => {
  const section = document.getElementById('roster-job');
  const bar = document.getElementById('roster-progress');
  if (!section || !bar || section.dataset.state !== 'running') return;
  const percent = document.getElementById('roster-percent');
  const rows = document.getElementById('roster-rows');
  const url = `/staff/roster/${section.dataset.job}/progress.json`;
  const poll = async () => {
    try {
      const res = await fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
      const p = await res.json();
      if (typeof p.percent === 'number') {
        bar.value = p.percent;
        if (percent) percent.textContent = `${p.percent}%`;
      }
      if (rows?.dataset.template && typeof p.rows === 'number')
        rows.textContent = rows.dataset.template.replace('#', String(p.rows));
      if (p.state !== 'running') {
        window.location.reload();
        return;
      }
    } catch {
      // A lost poll (a network blip) is tried again below.
    }
    setTimeout(poll, 700);
  };
  setTimeout(poll, 300);
})();
