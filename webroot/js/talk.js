// Talk rooms and presenter views. The room's forms are sent in the background (the same POSTs,
// answered with JSON instead of a redirect); the question list and the chat are fetched again from
// their fragments whenever talk.<id> announces a change, and after every (re)connect, so nothing
// needs replaying and a missed event costs nothing. Focus and typed text survive a refresh.
// Part of the one script bundle (web/Assets): this file is agora.talk, its body not indented.
agora.talk = (function () {

/** Makes a Talk room or presenter view live; live is the page's connection (live.js). */
function start(live) {
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
    // a reader who asked for every question keeps every question; otherwise the first ones, as the page shows
    var all = questions.querySelector('ol[data-all]') ? '&questions=all' : '';
    var url = presenter ? '/talks/' + slug + '/presenter/questions' : '/talks/' + slug + '/room/questions?sort=' + sort + all;
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
    if (status && live.announcePreference() !== 'off' && Date.now() - lastSaid > 5000) {
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

  // a message held for review after flags: the server's fragment shows the notice in its place
  function replaceMessage(id) {
    var shown = document.getElementById('message-' + id);
    if (!shown) {
      return;
    }
    fetch('/talks/' + slug + '/room/messages?after=' + (Number(id) - 1), { credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.text() : ''; })
      .then(function (html) {
        var holder = document.createElement('ol');
        holder.innerHTML = html; // our own server-rendered, sanitised fragment
        var fresh = holder.querySelector('#message-' + id);
        if (fresh && shown.parentNode) {
          shown.parentNode.replaceChild(fresh, shown);
        } else if (!fresh) {
          shown.remove();
        }
      });
  }

  function connect() {
    live.subscribe([address], function () {
      // whatever changed before the connection listened
      refreshQuestions();
      refreshMessages();
    }, function (frame) {
      var type = frame.body.type;
      if (type === 'message.created') {
        refreshMessages();
      } else if (type === 'message.hidden') {
        var hidden = document.getElementById('message-' + frame.body.id);
        if (hidden) {
          hidden.remove();
        }
      } else if (type === 'message.held') {
        replaceMessage(frame.body.id);
      } else if (type.indexOf('question.') === 0) {
        if (type === 'question.created') {
          say(room.getAttribute('data-reply-new') || '');
        }
        refreshQuestions();
      } else if (type === 'room.changed' || type === 'room.closed' || type === 'talk.changed') {
        window.location.reload();
      }
    });
  }

  // Presence: while the room is open (the page says so with data-presence, for signed-in members),
  // report on talk.<id> every 20 s like a thread page; the server records attendance from it. A
  // refusal other than a passing one (the room has closed) stops the reports.
  if (!presenter && room.hasAttribute('data-presence')) {
    var presenceTimer = null;
    var reportPresence = function () {
      var csrf = document.querySelector('input[name="_csrf"]');
      if (!csrf) {
        return;
      }
      var form = new URLSearchParams();
      form.set('address', address);
      fetch('/live/presence', { method: 'POST', credentials: 'same-origin', body: form,
        headers: { 'X-CSRF-Token': csrf.value } })
        .then(function (r) {
          if (!r.ok && r.status !== 429 && r.status !== 503) {
            clearInterval(presenceTimer);
          }
        })
        .catch(function () { return null; });
    };
    reportPresence();
    presenceTimer = setInterval(reportPresence, 20000);
  }

  // for tests: drop the connection as a network would
  window.agoraRoom = { drop: live.drop };
  connect();
}

return { start: start };
}());
