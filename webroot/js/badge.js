// The member's unread badge in the header: fetched from the API, refreshed when one of their groups changes.
// Part of the one script bundle (web/Assets): this file is agora.badge, its body not indented.
agora.badge = (function () {

/** Keeps the badge current; live is the page's connection (live.js). */
function start(live) {
  var badge = document.getElementById('unread-badge');
  if (!badge || !window.fetch || !window.WebSocket) {
    return;
  }
  var timer = null;

  function load() {
    return fetch('/api/v1/me/unread', { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) {
        if (!body) {
          return null;
        }
        badge.textContent = badge.getAttribute('data-label').replace('{0}', body.unreadThreads);
        badge.hidden = body.unreadThreads === 0;
        return body;
      });
  }

  function addresses(body) {
    return body.groups.map(function (g) { return g.address; });
  }

  load().then(function (body) {
    if (!body || !body.groups.length) {
      return;
    }
    var subscription = live.subscribe(addresses(body), function (again) {
      if (again) { // the count, and the member's groups, may have changed while disconnected
        load().then(function (b) { if (b) { addresses(b).forEach(subscription.add); } });
      }
    }, function () {
      clearTimeout(timer);
      timer = setTimeout(load, 1500);
    });
  });
}

return { start: start };
}());
