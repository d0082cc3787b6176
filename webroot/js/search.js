// Suggestions under the header's search box: titles of threads, documents and Talks the reader may
// read, fetched as they type (debounced), chosen with the arrow keys and Enter, closed with Escape.
// The ARIA combobox pattern (list autocomplete, aria-activedescendant), with a polite live region
// that says how many suggestions there are. Without this script the box is a plain GET form.
// Part of the one script bundle (web/Assets): this file is agora.search, its body not indented.
agora.search = (function () {

var DELAY = 200;

/** Turns the search box into a combobox; does nothing when the page has none or fetch is missing. */
function start() {
  var input = document.getElementById('site-search-q');
  var list = document.getElementById('site-search-list');
  var status = document.getElementById('site-search-status');
  if (!input || !list || !status || !window.fetch || !window.AbortController) {
    return;
  }
  var form = input.form;
  var timer = null;
  var pending = null;
  var items = [];
  var active = -1;
  var asked = '';

  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-expanded', 'false');
  input.setAttribute('aria-controls', list.id);
  input.setAttribute('autocomplete', 'off');

  function say(count) {
    var key = count === 0 ? 'data-none' : count === 1 ? 'data-one' : 'data-many';
    status.textContent = (status.getAttribute(key) || '').replace('{0}', String(count));
  }

  function close() {
    list.hidden = true;
    list.textContent = '';
    items = [];
    active = -1;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
  }

  function highlight(index) {
    items.forEach(function (item, i) { item.el.setAttribute('aria-selected', i === index ? 'true' : 'false'); });
    active = index;
    if (index >= 0) {
      input.setAttribute('aria-activedescendant', items[index].el.id);
      items[index].el.scrollIntoView({ block: 'nearest' });
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  }

  function show(suggestions) {
    list.textContent = '';
    items = suggestions.map(function (s, i) {
      var li = document.createElement('li');
      li.id = 'site-search-option-' + i;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', 'false');
      li.className = 'suggestion';
      var title = document.createElement('span');
      title.className = 'suggestion-title';
      title.textContent = s.title;
      li.appendChild(title);
      if (s.group) {
        var group = document.createElement('span');
        group.className = 'suggestion-group';
        group.textContent = s.group;
        li.appendChild(document.createTextNode(' '));
        li.appendChild(group);
      }
      // mousedown, not click: the input keeps focus and does not close the list first
      li.addEventListener('mousedown', function (e) {
        e.preventDefault();
        window.location.assign(s.url);
      });
      list.appendChild(li);
      return { el: li, url: s.url };
    });
    active = -1;
    list.hidden = items.length === 0;
    input.setAttribute('aria-expanded', items.length ? 'true' : 'false');
    say(items.length);
  }

  function fetchSuggestions() {
    var typed = input.value.trim();
    if (typed === asked) {
      return;
    }
    asked = typed;
    if (pending) {
      pending.abort();
      pending = null;
    }
    if (typed.length < 2) {
      close();
      status.textContent = '';
      return;
    }
    pending = new AbortController();
    fetch(input.getAttribute('data-suggest') + '?q=' + encodeURIComponent(typed),
      { credentials: 'same-origin', headers: { Accept: 'application/json' }, signal: pending.signal })
      .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
      .then(function (body) {
        if (input.value.trim() === typed) {
          show(body.suggestions || []);
        }
      })
      .catch(function () { /* aborted by newer typing, or offline: the form still submits */ });
  }

  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(fetchSuggestions, DELAY);
  });

  input.addEventListener('keydown', function (e) {
    if (e.key === 'ArrowDown' || e.key === 'Down') {
      if (items.length) {
        e.preventDefault();
        highlight(active + 1 >= items.length ? 0 : active + 1);
      }
    } else if (e.key === 'ArrowUp' || e.key === 'Up') {
      if (items.length) {
        e.preventDefault();
        highlight(active <= 0 ? items.length - 1 : active - 1);
      }
    } else if (e.key === 'Escape' || e.key === 'Esc') {
      if (!list.hidden) {
        e.preventDefault();
        close();
      }
    } else if (e.key === 'Enter') {
      if (active >= 0 && items[active]) {
        e.preventDefault();
        window.location.assign(items[active].url);
      }
    }
  });

  input.addEventListener('blur', function () {
    setTimeout(close, 150);
  });

  if (form) {
    form.addEventListener('submit', function () { close(); });
  }
}

return { start: start };
}());
