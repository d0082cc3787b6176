// Live thread pages: changes arrive over the event-bus bridge (a WebSocket) numbered per address;
// after a drop the page reconnects with backoff and asks /live/events for everything after the
// last number it applied, so each change is applied once and in order. Too old a gap: reload.
// Part of the one script bundle (web/Assets): this file is agora.thread, its body not indented.
agora.thread = (function () {

/** Makes the thread page live; live is the page's connection (live.js). */
function start(live) {
  var list = document.getElementById('posts');
  if (!list || !list.getAttribute('data-live') || !window.WebSocket || !window.fetch) {
    return;
  }
  var address = list.getAttribute('data-live');
  var seq = Number(list.getAttribute('data-live-seq')) || 0;
  var lastPage = list.getAttribute('data-last-page') === 'true';
  var status = document.getElementById('live-status');
  var announce = document.getElementById('live-announce');
  var newButton = document.getElementById('live-new-posts');
  var controls = document.querySelector('.live-controls');
  var queue = Promise.resolve();
  var held = [];
  var lastSaid = 0;
  var unsaid = 0;
  var saying = null;

  if (controls) {
    controls.hidden = false;
  }
  if (announce) {
    // a member's choice from the settings page comes first; an anonymous reader's is kept by the browser
    var chosen = live.announcePreference();
    announce.checked = chosen ? chosen === 'on' : localStorage.getItem('agora.announce') !== 'off';
    announce.addEventListener('change', function () {
      if (!chosen) {
        localStorage.setItem('agora.announce', announce.checked ? 'on' : 'off');
      }
    });
  }

  // One polite announcement at most every five seconds, summing what came in meanwhile.
  function say(text) {
    if (!status || (announce ? !announce.checked : live.announcePreference() === 'off')) {
      return;
    }
    unsaid++;
    var wait = Math.max(0, lastSaid + 5000 - Date.now());
    clearTimeout(saying);
    saying = setTimeout(function () {
      status.textContent = unsaid > 1 ? list.getAttribute('data-new-posts').replace('{0}', unsaid) : text;
      unsaid = 0;
      lastSaid = Date.now();
    }, wait);
  }

  // The reader follows the end of the thread when the last post is in view; otherwise new posts
  // wait behind a button so the page does not move under them.
  function followingEnd() {
    return list.getBoundingClientRect().bottom <= window.innerHeight + 150;
  }

  function fragment(id) {
    return fetch('/posts/' + id + '/fragment', { credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.text() : null; });
  }

  function showHeld() {
    held.forEach(function (li) { list.appendChild(li); });
    held = [];
    newButton.hidden = true;
  }
  if (newButton) {
    newButton.addEventListener('click', showHeld);
  }

  function handle(ev) {
    var existing = document.getElementById('post-' + ev.id);
    if (ev.type === 'post.created' && lastPage && !existing) {
      return fragment(ev.id).then(function (html) {
        if (!html || document.getElementById('post-' + ev.id)) {
          return;
        }
        var li = document.createElement('li');
        li.className = 'arrived';
        li.innerHTML = html; // our own server-rendered, sanitised fragment
        var author = li.querySelector('.author');
        if (held.length === 0 && (followingEnd() || !newButton)) {
          list.appendChild(li);
          // keep following the end, as a chat does; without motion when the reader asks for none
          var still = live.reducesMotion();
          li.scrollIntoView({ block: 'nearest', behavior: still ? 'auto' : 'smooth' });
        } else {
          held.push(li);
          newButton.textContent = list.getAttribute('data-new-posts').replace('{0}', held.length);
          newButton.hidden = false;
        }
        say(list.getAttribute('data-new-post-by').replace('{0}', author ? author.textContent : ''));
      });
    }
    if (existing && /^(post\.(edited|deleted|restored)|reaction\.changed)$/.test(ev.type)) {
      return fragment(ev.id).then(function (html) {
        var current = document.getElementById('post-' + ev.id);
        if (html && current && !current.contains(document.activeElement)) {
          var holder = document.createElement('div');
          holder.innerHTML = html;
          current.replaceWith(holder.firstElementChild);
        }
      });
    }
    if (ev.type === 'thread.merged') {
      // this thread's posts now live in another: go there (the old address redirects as well)
      window.location.assign('/threads/' + ev.id);
      return null;
    }
    if (ev.type === 'thread.changed' || ev.type === 'thread.moved' || ev.type === 'thread.split') {
      say(list.getAttribute('data-changed'));
    }
    return null;
  }

  // Applies events strictly in order; a gap means something was missed: catch up first.
  function apply(ev) {
    queue = queue.then(function () {
      if (ev.seq <= seq) {
        return null;
      }
      if (ev.seq > seq + 1) {
        return catchUp();
      }
      seq = ev.seq;
      return handle(ev);
    }).catch(function () { return null; });
  }

  function catchUp() {
    return fetch('/live/events?address=' + encodeURIComponent(address) + '&after=' + seq,
      { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) {
        if (!body) {
          return null;
        }
        if (body.reload) {
          window.location.reload();
          return null;
        }
        var chain = Promise.resolve();
        body.events.forEach(function (e) {
          chain = chain.then(function () {
            if (e.seq === seq + 1) {
              seq = e.seq;
              return handle(e);
            }
            return null;
          });
        });
        return chain;
      });
  }

  function connect() {
    live.subscribe([address], function () {
      queue = queue.then(catchUp).catch(function () { return null; });
    }, function (frame) {
      if (frame.body.type === 'presence') {
        showPresence(frame.body); // ephemeral: no number, nothing to catch up
      } else {
        apply(frame.body);
      }
    });
  }

  // Presence: report every 20 s and when the reader starts typing; show who reads and who writes.
  var presence = document.getElementById('live-presence');
  var csrfInput = document.querySelector('input[name="_csrf"]');
  var lastTyping = 0;
  function report(typing) {
    if (!presence || !csrfInput) {
      return;
    }
    var form = new URLSearchParams();
    form.set('threadId', presence.getAttribute('data-thread'));
    form.set('typing', typing ? 'true' : 'false');
    fetch('/live/presence', { method: 'POST', credentials: 'same-origin', body: form,
      headers: { 'X-CSRF-Token': csrfInput.value } }).catch(function () { return null; });
  }
  function showPresence(p) {
    if (!presence) {
      return;
    }
    var parts = [];
    if (p.reading > 1) {
      parts.push(presence.getAttribute('data-reading').replace('{0}', p.reading));
    }
    if (p.typing && p.typing.length) {
      parts.push(presence.getAttribute('data-writing').replace('{0}', p.typing.join(', ')));
    }
    presence.textContent = parts.join(' \u00b7 ');
  }
  if (presence) {
    report(false);
    setInterval(function () { report(false); }, 20000);
    var composer = document.getElementById('body');
    if (composer) {
      composer.addEventListener('input', function () {
        if (Date.now() - lastTyping > 5000) {
          lastTyping = Date.now();
          report(true);
        }
      });
    }
  }

  // for tests: drop the connection as a network would
  window.agoraLive = { drop: live.drop, seq: function () { return seq; },
    reducesMotion: live.reducesMotion, announcePreference: live.announcePreference };
  connect();
}

return { start: start };
}());
