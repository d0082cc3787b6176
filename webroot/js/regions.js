// Regions that refresh themselves (a group's threads, the groups on home, a document's text and
// side panels): on any change of their addresses, and after every reconnect, the page is fetched
// again and each region swapped in, so nothing needs replaying. Focus stays where it was: a region
// holding focus waits. Pages with a presence line (documents) also report and show who is here.
// Part of the one script bundle (web/Assets): this file is agora.regions, its body not indented.
agora.regions = (function () {

/** Makes the page's refreshing regions live; live is the page's connection (live.js). */
function start(live) {
  var regions = Array.prototype.slice.call(document.querySelectorAll('[data-live-refresh]'));
  if (!regions.length || document.getElementById('posts') || !window.WebSocket || !window.fetch || !window.DOMParser) {
    return;
  }
  var addresses = [];
  regions.forEach(function (region) {
    region.getAttribute('data-live-refresh').trim().split(/\s+/).forEach(function (a) {
      if (a && addresses.indexOf(a) < 0) {
        addresses.push(a);
      }
    });
  });
  if (!addresses.length) {
    return;
  }
  var timer = null;
  var presence = document.getElementById('live-presence');
  var presenceAddress = presence && presence.getAttribute('data-address');

  function refresh() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      if (regions.some(function (region) { return region.contains(document.activeElement); })) {
        refresh();
        return;
      }
      fetch(window.location.href, { credentials: 'same-origin' })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (!html) {
            return;
          }
          var fresh = new DOMParser().parseFromString(html, 'text/html');
          regions.forEach(function (region) {
            var replacement = fresh.getElementById(region.id);
            if (replacement) {
              region.innerHTML = replacement.innerHTML; // our own page, rendered and escaped by the server
            }
          });
        })
        .catch(function () { return null; });
    }, 1000);
  }

  function showPresence(p) {
    var others = (p.names || []).length - 1;
    presence.textContent = others > 0 ? presence.getAttribute('data-reading').replace('{0}', p.names.join(', ')) : '';
  }

  function report() {
    var csrf = document.querySelector('input[name="_csrf"]');
    if (!csrf) {
      return;
    }
    var form = new URLSearchParams();
    form.set('address', presenceAddress);
    fetch('/live/presence', { method: 'POST', credentials: 'same-origin', body: form,
      headers: { 'X-CSRF-Token': csrf.value } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (p) { if (p) { showPresence(p); } })
      .catch(function () { return null; });
  }

  live.subscribe(addresses, function (again) {
    if (again) {
      refresh(); // whatever happened while disconnected
    }
  }, function (frame) {
    if (frame.body.type === 'presence') {
      if (presence && frame.address === presenceAddress) {
        showPresence(frame.body);
      }
      return;
    }
    refresh();
  });
  if (presenceAddress) {
    report();
    setInterval(report, 20000);
  }
}

return { start: start };
}());
