// What every page may use: the language choice, @mention suggestions in composers, quoting a
// selected passage. Progressive enhancement only: every page works without it.
// Part of the one script bundle (web/Assets): this file is agora.page, its body not indented.
agora.page = (function () {

function start() {

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
        var about = [m.affiliation, m.stakeholder].filter(Boolean).join(', ');
        li.textContent = '@' + m.handle + ' \u2014 ' + m.name + (about ? ' (' + about + ')' : '');
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

  // The profile's time zone: while none is chosen, offer the browser's own (the form works without this).
  (function () {
    var select = document.getElementById('timeZone');
    var hint = document.getElementById('timeZone-browser');
    var zone = window.Intl && Intl.DateTimeFormat ? Intl.DateTimeFormat().resolvedOptions().timeZone : null;
    if (!select || !hint || select.value || !zone) {
      return;
    }
    var offered = Array.prototype.some.call(select.options, function (o) { return o.value === zone; });
    if (!offered) {
      return;
    }
    var button = hint.querySelector('button');
    button.textContent = zone;
    button.setAttribute('data-zone', zone);
    button.addEventListener('click', function () {
      select.value = zone;
      hint.hidden = true;
      select.focus();
    });
    hint.hidden = false;
  })();
}

return { start: start };
}());
