// Agora's scripts, progressive enhancement only: every page works without them. One module per
// concern, each loaded only on pages that have its elements, without a build step. Every module
// is imported here and nowhere else, with this file's ?v= (the asset version): a release never
// runs beside cached modules of the one before, and live.js is one instance, so a page has one
// live connection however many of its parts are live.
const version = new URL(import.meta.url).search;

function load(name) {
  return import('./' + name + '.js' + version);
}

load('page').then(function (page) { page.start(); });

if (document.getElementById('site-search-q')) {
  load('search').then(function (search) { search.start(); });
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
  load('live').then(function (live) {
    parts.forEach(function (part) {
      load(part[0]).then(function (module) { module.start(live); });
    });
  });
}
