// Agora's scripts, progressive enhancement only: every page works without them. One module per
// concern (agora.<name>, one file each in webroot/js), served as ONE script: the server concatenates
// the files at start (web/Assets, no build step) under a name carrying a hash of their bytes, so a
// page loads one script, a release never runs beside cached parts of the one before, and live is one
// instance, so a page has one live connection however many of its parts are live. This file comes
// last and starts the modules whose elements the page has.

/** Starts one part; a part that fails leaves the others working. */
function run(name, argument) {
  try {
    agora[name].start(argument);
  } catch (e) {
    console.error('agora.' + name, e);
  }
}

run('page');

if (document.getElementById('site-search-q')) {
  run('search');
}

if (document.querySelector('button.cite-copy[data-copy]')) {
  run('cite');
}

// the live parts, and the element that says a page has one
const parts = [
  ['thread', '#posts[data-live]'],
  ['regions', '[data-live-refresh]'],
  ['badge', '#unread-badge'],
  ['notifications', '#notification-badge'],
  ['talk', '[data-room][data-live]']
].filter(function (part) { return document.querySelector(part[1]); });

if (parts.length && window.WebSocket) {
  parts.forEach(function (part) { run(part[0], agora.live); });
}
