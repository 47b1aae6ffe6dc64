// Test doubles: a WebSocket that a test drives by hand, and timers a test advances by hand.
// Not a test file itself.

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
