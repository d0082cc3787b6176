// Progressive enhancement only: every page works without this file.

// A connection to the event-bus bridge: SockJS when its client is there (WebSocket first, then
// streaming and polling over HTTP where WebSockets are blocked), a plain WebSocket otherwise.
// Either way frames are the bridge's JSON; onframe gets them parsed.
window.agoraBridge = function (onopen, onframe, onclose) {
  'use strict';
  var socket;
  var forced = new URLSearchParams(window.location.search).get('live-transport');
  if (window.SockJS) {
    socket = new window.SockJS('/eventbus', null,
      { transports: forced ? [forced] : ['websocket', 'xhr-streaming', 'xhr-polling'] });
  } else {
    var scheme = window.location.protocol === 'https:' ? 'wss://' : 'ws://';
    socket = new WebSocket(scheme + window.location.host + '/eventbus/websocket');
    socket.binaryType = 'arraybuffer';
  }
  var pinger = null;
  socket.onopen = function () {
    pinger = setInterval(function () { socket.send(JSON.stringify({ type: 'ping' })); }, 20000);
    onopen(socket);
  };
  socket.onmessage = function (message) {
    var text = typeof message.data === 'string' ? message.data : new TextDecoder().decode(message.data);
    onframe(JSON.parse(text));
  };
  socket.onclose = function () {
    clearInterval(pinger);
    onclose();
  };
  return socket;
};

(function () {
  'use strict';

  // Submit the language choice as soon as it changes; the Apply button stays for keyboard and no-JS users.
  document.addEventListener('change', function (event) {
    var select = event.target;
    if (select && select.id === 'language-choice' && select.form) {
      if (select.form.requestSubmit) {
        select.form.requestSubmit();
      } else {
        select.form.submit();
      }
    }
  });

  // @mention suggestions in the composer, from /api/v1/groups/<slug>/mentions (a combobox with a listbox).
  function setupMentions(textarea) {
    var url = textarea.getAttribute('data-mentions');
    var list = document.createElement('ul');
    list.id = textarea.id + '-mentions';
    list.className = 'mention-list';
    list.setAttribute('role', 'listbox');
    list.setAttribute('aria-label', textarea.getAttribute('data-mentions-label') || 'Members');
    list.hidden = true;
    textarea.parentNode.insertBefore(list, textarea.nextSibling);
    textarea.setAttribute('aria-autocomplete', 'list');
    textarea.setAttribute('aria-controls', list.id);
    var members = [];
    var active = -1;
    var timer = null;
    var asked = 0;

    function prefix() {
      var before = textarea.value.slice(0, textarea.selectionStart);
      var m = /(^|[^\w@/])@([\w.\-\u00C0-\u024F]{1,40})$/.exec(before);
      return m ? m[2] : null;
    }

    function close() {
      list.hidden = true;
      list.textContent = '';
      members = [];
      active = -1;
      asked++; // a suggestion still loading must not reopen the list
      textarea.removeAttribute('aria-activedescendant');
    }

    function highlight(i) {
      active = i;
      Array.prototype.forEach.call(list.children, function (li, j) {
        li.setAttribute('aria-selected', j === i ? 'true' : 'false');
      });
      if (i >= 0) {
        textarea.setAttribute('aria-activedescendant', list.children[i].id);
      }
    }

    function choose(i) {
      var p = prefix();
      if (p === null || !members[i]) {
        close();
        return;
      }
      var start = textarea.selectionStart - p.length;
      var insert = members[i].handle + ' ';
      textarea.value = textarea.value.slice(0, start) + insert + textarea.value.slice(textarea.selectionStart);
      textarea.selectionStart = textarea.selectionEnd = start + insert.length;
      close();
      textarea.focus();
    }

    function render(found) {
      members = found;
      list.textContent = '';
      if (!found.length) {
        close();
        return;
      }
      found.forEach(function (m, i) {
        var li = document.createElement('li');
        li.id = list.id + '-' + i;
        li.setAttribute('role', 'option');
        li.textContent = '@' + m.handle + ' \u2014 ' + m.name;
        li.addEventListener('mousedown', function (e) {
          e.preventDefault();
          choose(i);
        });
        list.appendChild(li);
      });
      list.hidden = false;
      highlight(0);
    }

    textarea.addEventListener('input', function () {
      var p = prefix();
      clearTimeout(timer);
      if (p === null) {
        close();
        return;
      }
      timer = setTimeout(function () {
        var ticket = ++asked;
        fetch(url + '?q=' + encodeURIComponent(p), { credentials: 'same-origin', headers: { Accept: 'application/json' } })
          .then(function (r) { return r.ok ? r.json() : { members: [] }; })
          .then(function (body) {
            if (ticket === asked) {
              render(body.members || []);
            }
          })
          .catch(close);
      }, 150);
    });

    textarea.addEventListener('keydown', function (e) {
      if (list.hidden) {
        return;
      }
      if (e.key === 'ArrowDown') {
        e.preventDefault();
        highlight((active + 1) % members.length);
      } else if (e.key === 'ArrowUp') {
        e.preventDefault();
        highlight((active - 1 + members.length) % members.length);
      } else if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        choose(active);
      } else if (e.key === 'Escape') {
        close();
      }
    });
    textarea.addEventListener('blur', function () { setTimeout(close, 150); });
  }

  Array.prototype.forEach.call(document.querySelectorAll('textarea[data-mentions]'), setupMentions);

  // "Quote" quotes the passage selected in that post, when there is one; the link alone quotes the whole post.
  document.addEventListener('click', function (event) {
    var link = event.target.closest ? event.target.closest('a.quote-link') : null;
    if (!link) {
      return;
    }
    var body = document.querySelector('#post-' + link.getAttribute('data-post') + ' .body');
    var selection = window.getSelection ? window.getSelection() : null;
    if (!body || !selection || selection.isCollapsed || !body.contains(selection.anchorNode)
        || !body.contains(selection.focusNode)) {
      return;
    }
    var text = selection.toString().trim().slice(0, 2000);
    if (text) {
      event.preventDefault();
      window.location.href = link.href + '&passage=' + encodeURIComponent(text);
    }
  });
})();

// Live thread pages: changes arrive over the event-bus bridge (a WebSocket) numbered per address;
// after a drop the page reconnects with backoff and asks /live/events for everything after the
// last number it applied, so each change is applied once and in order. Too old a gap: reload.
(function () {
  'use strict';
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
  var backoff = 1000;
  var socket = null;
  var lastSaid = 0;
  var unsaid = 0;
  var saying = null;

  if (controls) {
    controls.hidden = false;
  }
  if (announce) {
    announce.checked = localStorage.getItem('agora.announce') !== 'off';
    announce.addEventListener('change', function () {
      localStorage.setItem('agora.announce', announce.checked ? 'on' : 'off');
    });
  }

  // One polite announcement at most every five seconds, summing what came in meanwhile.
  function say(text) {
    if (!status || (announce && !announce.checked)) {
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
          var still = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
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
    if (ev.type === 'thread.changed' || ev.type === 'thread.moved') {
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
    socket = window.agoraBridge(function (open) {
      backoff = 1000;
      open.send(JSON.stringify({ type: 'register', address: address }));
      queue = queue.then(catchUp).catch(function () { return null; });
    }, function (frame) {
      if (frame.type === 'rec' && frame.address === address && frame.body) {
        if (frame.body.type === 'presence') {
          showPresence(frame.body); // ephemeral: no number, nothing to catch up
        } else {
          apply(frame.body);
        }
      }
    }, function () {
      var wait = backoff + Math.floor(Math.random() * 500);
      backoff = Math.min(backoff * 2, 30000);
      setTimeout(connect, wait);
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
  window.agoraLive = { drop: function () { if (socket) { socket.close(); } }, seq: function () { return seq; } };
  connect();
})();

// Regions that refresh themselves (a group's threads, the groups on home, a document's text and
// side panels): on any change of their addresses, and after every reconnect, the page is fetched
// again and each region swapped in, so nothing needs replaying. Focus stays where it was: a region
// holding focus waits. Pages with a presence line (documents) also report and show who is here.
(function () {
  'use strict';
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
  var backoff = 1000;
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

  function connect(first) {
    window.agoraBridge(function (open) {
      backoff = 1000;
      addresses.forEach(function (a) { open.send(JSON.stringify({ type: 'register', address: a })); });
      if (!first) {
        refresh(); // whatever happened while disconnected
      }
    }, function (frame) {
      if (frame.type !== 'rec' || !frame.body) {
        return;
      }
      if (frame.body.type === 'presence') {
        if (presence && frame.address === presenceAddress) {
          showPresence(frame.body);
        }
        return;
      }
      refresh();
    }, function () {
      var wait = backoff + Math.floor(Math.random() * 500);
      backoff = Math.min(backoff * 2, 30000);
      setTimeout(function () { connect(false); }, wait);
    });
  }
  connect(true);
  if (presenceAddress) {
    report();
    setInterval(report, 20000);
  }
})();

// The member's unread badge in the header: fetched from the API, refreshed when one of their groups changes.
(function () {
  'use strict';
  var badge = document.getElementById('unread-badge');
  if (!badge || !window.fetch || !window.WebSocket) {
    return;
  }
  var timer = null;
  var registered = false;
  var socket = null;

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

  function connect(addresses) {
    socket = window.agoraBridge(function (open) {
      addresses.forEach(function (a) { open.send(JSON.stringify({ type: 'register', address: a })); });
    }, function () {
      clearTimeout(timer);
      timer = setTimeout(load, 1500);
    }, function () {
      setTimeout(function () { load().then(function (b) { if (b) { connect(b.groups.map(function (g) { return g.address; })); } }); },
        5000 + Math.floor(Math.random() * 5000));
    });
  }

  load().then(function (body) {
    if (body && body.groups.length && !registered) {
      registered = true;
      connect(body.groups.map(function (g) { return g.address; }));
    }
  });
})();

// Talk rooms and presenter views. The room's forms are sent in the background (the same POSTs,
// answered with JSON instead of a redirect); the question list and the chat are fetched again from
// their fragments whenever talk.<id> announces a change, and after every (re)connect, so nothing
// needs replaying and a missed event costs nothing. Focus and typed text survive a refresh.
(function () {
  'use strict';
  var room = document.querySelector('[data-room][data-live]');
  if (!room || !window.WebSocket || !window.fetch || !window.URLSearchParams || !window.FormData) {
    return;
  }
  var slug = room.getAttribute('data-room');
  var address = room.getAttribute('data-live');
  var presenter = room.id === 'presenter';
  var questions = document.getElementById(presenter ? 'presenter-questions' : 'question-list');
  var messages = document.getElementById('messages');
  var errorBox = document.getElementById('room-error');
  var status = document.getElementById('room-status');
  var sort = new URLSearchParams(window.location.search).get('sort') === 'newest' ? 'newest' : 'votes';
  var backoff = 1000;
  var socket = null;
  var lastSaid = 0;

  // one refresh at a time; changes arriving meanwhile cause exactly one more
  function coalesce(work) {
    var busy = false;
    var again = false;
    return function run() {
      if (busy) {
        again = true;
        return;
      }
      busy = true;
      work().catch(function () { return null; }).then(function () {
        busy = false;
        if (again) {
          again = false;
          run();
        }
      });
    };
  }

  function swap(region, html) {
    var active = document.activeElement;
    var focusId = active && region.contains(active) ? active.id : null;
    var typed = {};
    region.querySelectorAll('input[id], textarea[id], select[id]').forEach(function (field) {
      if (field.type !== 'hidden' && field.type !== 'checkbox') {
        typed[field.id] = field.value;
      }
    });
    region.innerHTML = html; // our own server-rendered, escaped fragment
    Object.keys(typed).forEach(function (id) {
      var field = document.getElementById(id);
      if (field && region.contains(field)) {
        field.value = typed[id];
      }
    });
    if (focusId && document.getElementById(focusId)) {
      document.getElementById(focusId).focus();
    }
  }

  var refreshQuestions = coalesce(function () {
    if (!questions) {
      return Promise.resolve();
    }
    var url = presenter ? '/talks/' + slug + '/presenter/questions' : '/talks/' + slug + '/room/questions?sort=' + sort;
    return fetch(url, { credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html !== null) {
          swap(questions, html);
        }
      });
  });

  function lastMessageId() {
    var last = messages && messages.lastElementChild;
    return last ? Number(last.getAttribute('data-id')) || 0 : 0;
  }

  var refreshMessages = coalesce(function () {
    if (!messages) {
      return Promise.resolve();
    }
    return fetch('/talks/' + slug + '/room/messages?after=' + lastMessageId(), { credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.text() : ''; })
      .then(function (html) {
        var holder = document.createElement('ol');
        holder.innerHTML = html; // our own server-rendered, sanitised fragment
        Array.prototype.slice.call(holder.children).forEach(function (li) {
          if (!document.getElementById(li.id) && Number(li.getAttribute('data-id')) > lastMessageId()) {
            messages.appendChild(li);
          }
        });
        messages.scrollTop = messages.scrollHeight;
      });
  });

  function say(text) {
    if (status && Date.now() - lastSaid > 5000) {
      lastSaid = Date.now();
      status.textContent = text;
    }
  }

  function showError(text) {
    if (errorBox) {
      errorBox.textContent = text;
      errorBox.hidden = !text;
    }
  }

  function freshToken() {
    var bytes = new Uint8Array(12);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }

  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!form.hasAttribute('data-room-form')) {
      return;
    }
    // a question's form has a button per action (name="action" value="hide", …) and its vote
    // button posts elsewhere (formaction): send what the pressed button would have sent, or leave
    // the form to the browser where it does not say which button that was
    var button = event.submitter;
    if (!button && form.querySelector('button[name]')) {
      return;
    }
    event.preventDefault();
    var body = new URLSearchParams(new FormData(form));
    if (body.has('sort')) {
      body.set('sort', sort);
    }
    if (button && button.name) {
      body.set(button.name, button.value);
    }
    // getAttribute: a field named "action" shadows form.action
    var target = (button && button.getAttribute('formaction')) || form.getAttribute('action');
    fetch(target, { method: 'POST', credentials: 'same-origin', body: body, headers: { Accept: 'application/json' } })
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (json) { return { ok: r.ok, json: json }; });
      })
      .then(function (answer) {
        if (!answer.ok) {
          showError(answer.json && answer.json.error ? answer.json.error.message : '');
          return;
        }
        showError('');
        if (form.hasAttribute('data-reset')) {
          form.reset();
          var token = form.querySelector('input[name="clientToken"]');
          if (token) {
            token.value = freshToken();
          }
        }
        refreshQuestions();
        refreshMessages();
      })
      .catch(function () { showError(room.getAttribute('data-offline') || ''); });
  });

  if (!presenter && questions) {
    questions.addEventListener('click', function (event) {
      var link = event.target.closest ? event.target.closest('a[data-sort]') : null;
      if (!link) {
        return;
      }
      event.preventDefault();
      sort = link.getAttribute('data-sort');
      window.history.replaceState(null, '', sort === 'newest' ? '?sort=newest' : window.location.pathname);
      refreshQuestions();
    });
  }

  function connect() {
    socket = window.agoraBridge(function (open) {
      backoff = 1000;
      open.send(JSON.stringify({ type: 'register', address: address }));
      // whatever changed before this socket listened
      refreshQuestions();
      refreshMessages();
    }, function (frame) {
      if (frame.type !== 'rec' || frame.address !== address || !frame.body) {
        return;
      }
      var type = frame.body.type;
      if (type === 'message.created') {
        refreshMessages();
      } else if (type === 'message.hidden') {
        var hidden = document.getElementById('message-' + frame.body.id);
        if (hidden) {
          hidden.remove();
        }
      } else if (type.indexOf('question.') === 0) {
        if (type === 'question.created') {
          say(room.getAttribute('data-reply-new') || '');
        }
        refreshQuestions();
      } else if (type === 'room.changed' || type === 'room.closed' || type === 'talk.changed') {
        window.location.reload();
      }
    }, function () {
      var wait = backoff + Math.floor(Math.random() * 500);
      backoff = Math.min(backoff * 2, 30000);
      setTimeout(connect, wait);
    });
  }

  // for tests: drop the connection as a network would
  window.agoraRoom = { drop: function () { if (socket) { socket.close(); } } };
  connect();
})();
