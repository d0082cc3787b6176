// One connection per page to the event-bus bridge, shared by every live part of the page (a
// thread, refreshing regions, the unread badge, a Talk room): SockJS when its client is there
// (WebSocket first, then streaming and polling over HTTP where WebSockets are blocked), a plain
// WebSocket otherwise. After a drop it reconnects with backoff, registers every address again and
// tells each subscriber, which catches up in its own way (GET /live/events, or fetching again).

const listeners = [];
let socket = null;
let open = false;
let backoff = 1000;

function bridge() {
  const forced = new URLSearchParams(window.location.search).get('live-transport');
  if (window.SockJS) {
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
  const s = bridge();
  socket = s;
  let pinger = null;
  s.onopen = function () {
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
    const wait = backoff + Math.floor(Math.random() * 500);
    backoff = Math.min(backoff * 2, 30000);
    setTimeout(connect, wait);
  };
}

/**
 * Listens to these addresses: onOpen(again) runs each time the connection (re)opens, with again
 * false the first time; onFrame(frame) gets each event delivered on one of them. Returns a handle
 * whose add(address) listens to one more.
 */
export function subscribe(addresses, onOpen, onFrame) {
  const listener = { addresses: new Set(addresses), open: onOpen, frame: onFrame, opened: false };
  listeners.push(listener);
  if (!socket) {
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
export function drop() {
  if (socket) {
    socket.close();
  }
}

// The member's preferences, written on <html> by the server (the settings page): whether live updates
// are announced to screen readers ("on", "off", or "" for an anonymous reader: the page's own switch
// decides), and whether motion is reduced ("on", "off", or "system": the device's setting).
/** "on", "off", or null when the reader has not chosen (anonymous). */
export function announcePreference() {
  var value = document.documentElement.getAttribute('data-live-announce');
  return value === 'on' || value === 'off' ? value : null;
}

/** Whether live changes should move nothing (no smooth scrolling, no arrival animation). */
export function reducesMotion() {
  var value = document.documentElement.getAttribute('data-reduced-motion');
  if (value === 'on' || value === 'off') {
    return value === 'on';
  }
  return !!(window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches);
}
