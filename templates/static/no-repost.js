// A page answered to a post (a form shown again with what to correct): the history entry is
// turned into a plain address, so Back or reload later fetches it again with GET (which shows
// what is true now, e.g. "already sent") instead of asking to "confirm form resubmission".
window.history.replaceState(null, '', window.location.href);
