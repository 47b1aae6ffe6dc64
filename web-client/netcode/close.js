// @ts-check
// WebSocket close codes (crates/protocol/src/close.rs) and what to tell the player about each.

export const NORMAL = 1000;
export const GOING_AWAY = 1001;
export const PROTOCOL_ERROR = 1002;
export const UNSUPPORTED_DATA = 1003;
export const ABNORMAL = 1006; // browser-side only: the connection dropped or never opened
export const INVALID_PAYLOAD = 1007;
export const POLICY_VIOLATION = 1008;
export const MESSAGE_TOO_BIG = 1009;
export const INTERNAL_ERROR = 1011;
export const VERSION_MISMATCH = 4001;
export const SERVER_FULL = 4002;
export const FLOODING = 4003;
export const HANDSHAKE_TIMEOUT = 4004;
export const UNEXPECTED_MESSAGE = 4005;
export const IDLE = 4006;
export const KICKED = 4007;
export const ROOM_CLOSED = 4008;
/** The client's own close when it reconnects at once (any code but 1000 keeps the seat held). */
export const RECONNECTING = 4000;
export const RESUME_REFUSED = 4010;
export const SPECTATORS_FULL = 4011;
export const SESSION_REPLACED = 4012;
export const SAME_PLAYER_JOINED = 4013;
/** The Hello named another schema than the room's: this page was built for another game's data. */
export const SCHEMA_MISMATCH = 4014;

/**
 * What to show, and whether to reconnect, after a connection closed.
 * @param {number} code the close code (from the Kick message when one came, else the close frame)
 * @param {string} reason the server's reason, possibly empty
 * @param {boolean} opened whether the socket ever opened
 * @returns {{text: string, retry: boolean, minDelayMs: number}}
 */
export function describeClose(code, reason, opened) {
  const why = reason ? `: ${reason}` : '';
  switch (code) {
    case VERSION_MISMATCH:
      return { text: `This page speaks another protocol version than the server${why}. Reload the page.`, retry: false, minDelayMs: 0 };
    case SERVER_FULL:
      return { text: `The server is full${reason && !/full/i.test(reason) ? why : ''}. Retrying…`, retry: true, minDelayMs: 3000 };
    case GOING_AWAY:
      return { text: `The server is restarting${why}. Reconnecting…`, retry: true, minDelayMs: 1000 };
    case FLOODING:
      return { text: `Kicked for sending too fast${why}. Reconnecting…`, retry: true, minDelayMs: 2000 };
    case SCHEMA_MISMATCH:
      return {
        text: `This page was built for another game than the server runs${why}. Open the page the server serves for its game.`,
        retry: false,
        minDelayMs: 0,
      };
    case KICKED:
      return { text: `Removed by the server's operators${why}.`, retry: false, minDelayMs: 0 };
    case ROOM_CLOSED:
      return { text: `The room was closed${why}. Pick another room, or reload the page to play.`, retry: false, minDelayMs: 0 };
    case RESUME_REFUSED:
      // The held seat is gone (the connection forgets the token): join afresh at once.
      return { text: `Your seat is gone${why}. Joining afresh…`, retry: true, minDelayMs: 0 };
    case SESSION_REPLACED:
      return { text: `This seat was taken over by another connection${why}.`, retry: false, minDelayMs: 0 };
    case SAME_PLAYER_JOINED:
      return { text: `You joined again elsewhere (another tab or device)${why}.`, retry: false, minDelayMs: 0 };
    case SPECTATORS_FULL:
      return { text: `This room has all the spectators it takes${why}. Retrying…`, retry: true, minDelayMs: 3000 };
    case IDLE:
      return { text: `Disconnected for being idle${why}. Reload the page to play again.`, retry: false, minDelayMs: 0 };
    case HANDSHAKE_TIMEOUT:
      return { text: `The server timed out the handshake${why}. Reconnecting…`, retry: true, minDelayMs: 0 };
    case POLICY_VIOLATION:
    case UNEXPECTED_MESSAGE:
    case PROTOCOL_ERROR:
    case UNSUPPORTED_DATA:
    case INVALID_PAYLOAD:
    case MESSAGE_TOO_BIG:
      return { text: `Kicked by the server (${code})${why}. Reconnecting…`, retry: true, minDelayMs: 2000 };
    case INTERNAL_ERROR:
      return { text: `Server error${why}. Reconnecting…`, retry: true, minDelayMs: 1000 };
    case NORMAL:
      return { text: `Disconnected${why}. Reconnecting…`, retry: true, minDelayMs: 0 };
    default:
      if (!opened) return { text: 'Cannot reach the server. Retrying…', retry: true, minDelayMs: 0 };
      return { text: `Connection lost (${code})${why}. Reconnecting…`, retry: true, minDelayMs: 0 };
  }
}

/**
 * What to show, and whether to try again, when the server refuses a socket at its upgrade (its
 * answer to the admission check, `/ws/check`): the refusal's reason always; no retry for a
 * refusal that the same request will meet again (a bad or missing join token, a room that does
 * not run or is not the token's, a ban, a bad address), a retry after the server's `Retry-After`
 * (at least a few seconds) for one that passes (a room's spectators full, too many connections
 * or wrong guesses from the address, a server shutting down).
 * @param {number} status the HTTP status `/ws` answers
 * @param {string} reason the server's reason, possibly empty
 * @param {number | null} [retryAfterS] the server's `Retry-After`, seconds
 * @returns {{text: string, retry: boolean, minDelayMs: number}}
 */
export function describeRefusal(status, reason, retryAfterS = null) {
  const why = reason ? `: ${reason}` : '';
  const after = (/** @type {number} */ minS) => Math.max(minS, retryAfterS ?? 0) * 1000;
  switch (status) {
    case 401:
      return { text: `The server refused this page's join token${why}. Open the game again from its site for a fresh link.`, retry: false, minDelayMs: 0 };
    case 403:
      return { text: `The server refused to let this page in${why}.`, retry: false, minDelayMs: 0 };
    case 404:
      return { text: `This room does not run on the server${why}. Pick another room, or open the page without one to play.`, retry: false, minDelayMs: 0 };
    case 409:
      return { text: `The server refused to let this page in${why}. Retrying…`, retry: true, minDelayMs: after(5) };
    case 429:
      return { text: `The server refused to let this page in${why}. Retrying…`, retry: true, minDelayMs: after(5) };
    case 503:
      return { text: `The server is not taking players now${why}. Retrying…`, retry: true, minDelayMs: after(3) };
    default:
      if (status >= 500) return { text: `The server refused to let this page in (${status})${why}. Retrying…`, retry: true, minDelayMs: after(3) };
      return { text: `The server refused to let this page in (${status})${why}.`, retry: false, minDelayMs: 0 };
  }
}

/**
 * Reconnection delay: exponential from 500 ms, capped at 10 s, with ±20 % jitter.
 * @param {number} attempt 0 for the first retry
 * @param {number} [minMs]
 * @param {number} [random] a number in [0, 1)
 * @returns {number} ms
 */
export function backoffMs(attempt, minMs = 0, random = Math.random()) {
  const base = Math.min(10000, 500 * 2 ** Math.min(attempt, 10));
  return Math.round(Math.max(minMs, base) * (0.8 + 0.4 * random));
}
