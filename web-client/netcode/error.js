// @ts-check
// The errors the package throws on bad input. Decoding never throws anything else.

/** Why bytes could not be decoded: malformed, non-canonical, or out of a limit. */
export class DecodeError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'DecodeError';
  }
}

/**
 * A delta body names a world the reader does not hold (its baseline or the previous world): not
 * garbage, but the client must ask for a full snapshot.
 */
export class BaselineError extends DecodeError {
  /**
   * @param {number} expected the tick of the world the body is written against
   * @param {number | null} held the tick of the world the reader holds, or null for none
   */
  constructor(expected, held) {
    super(`the delta is against tick ${expected}, the reader holds ${held === null ? 'none' : `tick ${held}`}`);
    this.name = 'BaselineError';
    this.expected = expected;
    this.held = held;
  }
}
