// Countdowns the page shows: a notice's seconds left (counted once, in the notice's own words),
// the match timer, and the respawn countdown. Pure functions: times come in as arguments.

/**
 * Whole seconds left until `endsAt` at `now` (ms), rounded up, never below zero.
 * @param {number} endsAt
 * @param {number} now
 * @returns {number}
 */
export function secondsLeft(endsAt, now) {
  return Math.max(0, Math.ceil((endsAt - now) / 1000 - 1e-9));
}

/**
 * A duration as a clock reads it: "4:05", "0:09".
 * @param {number} seconds whole seconds, at least 0
 * @returns {string}
 */
export function clockText(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * A counting-down notice's line: the server's text with its number of seconds (the
 * `secondsAtShow` it was sent with, as "N s") counting down in place, or, when the text names
 * no such number, the text and "(N s left)".
 * @param {string} text
 * @param {number} secondsAtShow the notice's `seconds_left` when it came
 * @param {number} left seconds left now
 * @returns {string}
 */
export function noticeLine(text, secondsAtShow, left) {
  const named = new RegExp(`\\b${secondsAtShow} s\\b`);
  if (named.test(text)) return text.replace(named, `${left} s`);
  return `${text} (${left} s left)`;
}

/**
 * Seconds left in the match (`endsTick`, a server tick) at the page's estimate of the server's
 * tick; null when matches do not end.
 * @param {number | null} endsTick
 * @param {number} serverTick
 * @param {number} tickRate
 * @returns {number | null}
 */
export function matchSecondsLeft(endsTick, serverTick, tickRate) {
  if (endsTick === null || !(tickRate > 0)) return null;
  return Math.max(0, Math.ceil((endsTick - serverTick) / tickRate - 1e-9));
}

/**
 * The "you died" banner's line while the own player waits to respawn.
 * @param {number} left seconds until the server respawns it
 * @returns {string}
 */
export function respawnText(left) {
  return left > 0.05 ? `You died — respawning in ${left.toFixed(1)} s` : 'You died — respawning…';
}
