// The form with JavaScript: the township list shows only the chosen county's townships, and
// the county's own property note only for that county. Without it, all are shown, grouped.
(() => {
  const county = document.getElementById('county');
  const township = document.getElementById('township');
  if (!county || !township) return;
  const update = () => {
    for (const group of township.querySelectorAll('optgroup')) {
      const other = group.dataset.county !== county.value;
      group.hidden = other;
      group.disabled = other;
      if (other && group.contains(township.selectedOptions[0])) township.value = '';
    }
    for (const note of document.querySelectorAll('.county-note'))
      note.hidden = note.dataset.county !== county.value;
  };
  county.addEventListener('change', update);
  update();
})();

// A person who cannot fully work: their disability, illness and self-care decide programs, so
// their folded "more about this person" opens by itself (the server does the same without JS).
(() => {
  for (const work of document.querySelectorAll('select[name^="work_"]')) {
    work.addEventListener('change', () => {
      const more = work.closest('fieldset.person')?.querySelector('details.more');
      if (more && (work.value === 'none' || work.value === 'partial')) more.open = true;
    });
  }
})();
