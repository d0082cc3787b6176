// The header's notification badge: the server renders the count on every page; this keeps it
// current without a reload, listening to the member's own address (member.<id>), on which the
// server announces each notification created or read, and fetching the count again.
// Part of the one script bundle (web/Assets): this file is agora.notifications, its body not indented.
agora.notifications = (function () {

/** Keeps the badge current; live is the page's connection (live.js). */
function start(live) {
  var badge = document.getElementById('notification-badge');
  var count = badge && badge.querySelector('.count');
  if (!count || !window.fetch) {
    return;
  }
  var timer = null;

  function load() {
    return fetch('/notifications/count', { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) {
        if (body) {
          count.textContent = String(body.unread);
          badge.classList.toggle('has-unread', body.unread > 0);
        }
        return body;
      });
  }

  load().then(function (body) {
    if (!body) {
      return;
    }
    live.subscribe([body.address], function (again) {
      if (again) { // notifications may have come while disconnected
        load();
      }
    }, function () {
      clearTimeout(timer);
      timer = setTimeout(load, 300);
    });
  });
}

return { start: start };
}());
