// @ts-check
// Texts in a bit stream (delta bodies and records alike): varbits of the length in UTF-8 bytes,
// then the bytes, 8 bits each. A text longer than its field's `max_bytes` is cut at a character
// boundary before it is written; the reader refuses one over the length or not UTF-8.

import { utf8Bytes, utf8Text } from './bincode.js';
import { DecodeError } from './error.js';

/**
 * The UTF-8 bytes of `text` cut at a character boundary to at most `max` bytes: what a client
 * holds of it (the reader refuses a longer text, so an over-long text costs only its tail).
 * @param {string} text @param {number} max
 * @returns {Uint8Array}
 */
export function cutBytes(text, max) {
  const bytes = utf8Bytes(text);
  let end = Math.min(bytes.length, max);
  // A UTF-8 continuation byte (0b10xxxxxx) is no character boundary.
  while (end < bytes.length && (bytes[end] & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end);
}

/**
 * `text` as a reader holds it once written: cut to `max` bytes at a character boundary.
 * @param {string} text @param {number} max
 * @returns {string}
 */
export function cutText(text, max) {
  const bytes = cutBytes(text, max);
  return bytes.length === utf8Bytes(text).length ? text : utf8Text(bytes);
}

/**
 * True when a client holds the same of both texts (their cuts are equal).
 * @param {string} a @param {string} b @param {number} max
 * @returns {boolean}
 */
export function sameText(a, b, max) {
  if (a === b) return true;
  const [x, y] = [cutBytes(a, max), cutBytes(b, max)];
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/**
 * A text: varbits of its length in bytes, then its bytes, as a client holds it ({@link cutBytes}).
 * @param {import('./bits.js').BitWriter} bw @param {string} text @param {number} max
 */
export function putText(bw, text, max) {
  const bytes = cutBytes(text, max);
  bw.varbits(bytes.length);
  for (let i = 0; i < bytes.length; i++) bw.put(bytes[i], 8);
}

/**
 * Reads a text written by {@link putText}, refusing one over `maxBytes` or not UTF-8.
 * @param {import('./bits.js').BitReader} br @param {number} maxBytes
 * @returns {string}
 */
export function getText(br, maxBytes) {
  const len = br.varbits();
  if (len > maxBytes || len * 8 > br.bitsLeft()) throw new DecodeError('a text over its length');
  const bytes = new Uint8Array(len);
  for (let i = 0; i < len; i++) bytes[i] = br.get(8);
  return utf8Text(bytes);
}
