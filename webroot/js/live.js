// One connection per page to the event-bus bridge, shared by every live part of the page (a
// thread, refreshing regions, the unread badge, a Talk room): a plain WebSocket first; where it
// cannot connect at all (a proxy that blocks WebSockets) the SockJS client is loaded, only then, and
// used from then on (WebSocket, then streaming and polling over HTTP). ?live-transport=<transport>
// forces SockJS with that one transport (tests). After a drop it reconnects with backoff, registers every address again and
// tells each subscriber, which catches up in its own way (GET /live/events, or fetching again).
// Part of the one script bundle (web/Assets): this file is agora.live, its body not indented.
agora.live = (function () {

const listeners = [];
let socket = null;
let started = false;
let open = false;
let backoff = 1000;

const forced = new URLSearchParams(window.location.search).get('live-transport');
// whether to use SockJS: forced, or once a plain WebSocket closed without ever opening
let sockJs = !!forced;
let sockJsLoading = null;

/** Adds the SockJS client's script (its hashed address is on the bundle's script element) once. */
function loadSockJs() {
  if (!sockJsLoading) {
    sockJsLoading = new Promise(function (resolve, reject) {
      const holder = document.querySelector('script[data-sockjs]');
      const script = document.createElement('script');
      script.src = holder ? holder.getAttribute('data-sockjs') : '/static/vendor/sockjs/sockjs.min.js';
      script.onload = resolve;
      script.onerror = function () { sockJsLoading = null; reject(new Error('SockJS did not load')); };
      document.head.appendChild(script);
    });
  }
  return sockJsLoading;
}

function bridge() {
  if (sockJs) {
    return new window.SockJS('/eventbus', null,
      { transports: forced ? [forced] : ['websocket', 'xhr-streaming', 'xhr-polling'] });
  }
  const scheme = window.location.protocol === 'https:' ? 'wss://' : 'ws://';
  const ws = new WebSocket(scheme + window.location.host + '/eventbus/websocket');
  ws.binaryType = 'arraybuffer';
  return ws;
}

function register(address) {
  socket.send(JSON.stringify({ type: 'register', address: address }));
}

function opened(listener) {
  const again = listener.opened;
  listener.opened = true;
  listener.open(again);
}

function connect() {
  if (sockJs && !window.SockJS) {
    loadSockJs().then(connect, function () { sockJs = false; retry(); });
    return;
  }
  const s = bridge();
  const plain = !sockJs;
  let wasOpen = false;
  socket = s;
  let pinger = null;
  s.onopen = function () {
    wasOpen = true;
    open = true;
    backoff = 1000;
    pinger = setInterval(function () { s.send(JSON.stringify({ type: 'ping' })); }, 20000);
    listeners.forEach(function (l) { l.addresses.forEach(register); });
    listeners.forEach(opened);
  };
  s.onmessage = function (message) {
    const text = typeof message.data === 'string' ? message.data : new TextDecoder().decode(message.data);
    const frame = JSON.parse(text);
    if (frame.type !== 'rec' || !frame.body) {
      return;
    }
    listeners.forEach(function (l) {
      if (l.addresses.has(frame.address)) {
        l.frame(frame);
      }
    });
  };
  s.onclose = function () {
    clearInterval(pinger);
    open = false;
    if (plain && !wasOpen && !sockJs) {
      // never connected: WebSockets may be blocked on the way, SockJS can go over plain HTTP
      sockJs = true;
      connect();
      return;
    }
    retry();
  };
}

function retry() {
  const wait = backoff + Math.floor(Math.random() * 500);
  backoff = Math.min(backoff * 2, 30000);
  setTimeout(connect, wait);
}

/**
 * Listens to these addresses: onOpen(again) runs each time the connection (re)opens, with again
 * false the first time; onFrame(frame) gets each event delivered on one of them. Returns a handle
 * whose add(address) listens to one more.
 */
function subscribe(addresses, onOpen, onFrame) {
  const listener = { addresses: new Set(addresses), open: onOpen, frame: onFrame, opened: false };
  listeners.push(listener);
  if (!started) {
    started = true;
    connect();
  } else if (open) {
    listener.addresses.forEach(register);
    opened(listener);
  }
  return {
    add: function (address) {
      if (!listener.addresses.has(address)) {
        listener.addresses.add(address);
        if (open) {
          register(address);
        }
      }
    }
  };
}

/** Closes the connection as a network would, for tests; it reconnects by itself. */
function drop() {
  if (socket) {
    socket.close();
  }
}

// The member's preferences, written on <html> by the server (the settings page): whether live updates
// are announced to screen readers ("on", "off", or "" for an anonymous reader: the page's own switch
// decides), and whether motion is reduced ("on", "off", or "system": the device's setting).
/** "on", "off", or null when the reader has not chosen (anonymous). */
function announcePreference() {
  var value = document.documentElement.getAttribute('data-live-announce');
  return value === 'on' || value === 'off' ? value : null;
}

/** Whether live changes should move nothing (no smooth scrolling, no arrival animation). */
function reducesMotion() {
  var value = document.documentElement.getAttribute('data-reduced-motion');
  if (value === 'on' || value === 'off') {
    return value === 'on';
  }
  return !!(window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches);
}

return { subscribe: subscribe, drop: drop, announcePreference: announcePreference, reducesMotion: reducesMotion };
}());
