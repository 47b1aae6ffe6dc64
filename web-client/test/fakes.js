// Test doubles: a WebSocket that a test drives by hand, and a DOM element that takes whatever a page
// does with it. Not a test file itself.

export class FakeSocket {
  /** @type {FakeSocket[]} */
  static all = [];

  /** @param {string} url @param {string[]} [protocols] */
  constructor(url, protocols) {
    this.url = url;
    this.protocols = protocols;
    this.readyState = 0;
    /** @type {Uint8Array[]} */
    this.sent = [];
    this.closedWith = null;
    this.onopen = null;
    this.onmessage = null;
    this.onclose = null;
    this.onerror = null;
    FakeSocket.all.push(this);
  }

  send(bytes) {
    this.sent.push(bytes);
  }

  close(code, reason) {
    this.closedWith = { code, reason };
    this.readyState = 3;
  }

  /** Test side: the server accepted the connection. */
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }

  /** Test side: the server sent bytes. @param {Uint8Array} bytes */
  receive(bytes) {
    const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    this.onmessage?.({ data: buf });
  }

  /** Test side: the connection closed. */
  drop(code, reason = '') {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

/** A DOM element that accepts everything the page does with it. */
export function fakeElement() {
  const noop = () => {};
  const ctx = new Proxy({}, { get: (t, k) => (k in t ? t[k] : noop), set: (t, k, v) => ((t[k] = v), true) });
  return {
    textContent: '',
    innerHTML: '',
    className: '',
    hidden: false,
    value: '',
    width: 300,
    height: 150,
    childElementCount: 0,
    style: {},
    classList: { toggle: noop, add: noop, remove: noop },
    addEventListener: noop,
    setAttribute: noop,
    dataset: {},
    options: [],
    replaceChildren: noop,
    append: noop,
    focus: noop,
    getContext: () => ctx,
  };
}
