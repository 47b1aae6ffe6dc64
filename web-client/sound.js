// Optional sound: short tones made with WebAudio (no files to download) for the own shots, hits,
// the own player being hit and deaths. Muted or not is remembered by the page (localStorage);
// the audio is made when the page opens and starts with the first key or touch, as browsers
// allow.

/** Where the page keeps whether the sound is muted. */
export const MUTE_KEY = 'tickwire.muted';

/**
 * @typedef {{getItem(k: string): string | null, setItem(k: string, v: string): void}} Storage
 * @typedef {'shot' | 'hit' | 'hurt' | 'death'} SoundName
 */

/**
 * Whether the page's storage says muted (sound is on by default).
 * @param {Storage | null} storage
 * @returns {boolean}
 */
export function loadMuted(storage) {
  try {
    return storage?.getItem(MUTE_KEY) === '1';
  } catch {
    return false;
  }
}

/** Each sound: wave, start and end frequency (Hz), length (s), loudness. */
const TONES = {
  shot: { type: 'square', from: 900, to: 420, secs: 0.06, gain: 0.035 },
  hit: { type: 'triangle', from: 520, to: 300, secs: 0.08, gain: 0.08 },
  hurt: { type: 'sawtooth', from: 190, to: 70, secs: 0.16, gain: 0.07 },
  death: { type: 'triangle', from: 260, to: 45, secs: 0.45, gain: 0.12 },
};

/**
 * A new audio context, or null where the page has none (or may not make one).
 * @returns {AudioContext | null}
 */
function makeContext() {
  const Ctx = /** @type {typeof AudioContext | undefined} */ (globalThis.AudioContext);
  if (!Ctx) return null;
  try {
    return new Ctx();
  } catch {
    return null;
  }
}

export class Sound {
  /** @param {Storage | null} storage */
  constructor(storage) {
    this.storage = storage;
    this.muted = loadMuted(storage);
    /** @type {AudioContext | null} */
    this.ctx = null;
  }

  /** Mutes or unmutes, and remembers it. @returns {boolean} whether muted now */
  toggle() {
    this.muted = !this.muted;
    try {
      this.storage?.setItem(MUTE_KEY, this.muted ? '1' : '0');
    } catch {
      // Storage can be disabled: the choice then lasts as long as the page.
    }
    if (!this.muted) this.unlock();
    return this.muted;
  }

  /**
   * Makes the audio ahead of the first key or touch, silent until then (browsers start audio
   * only after one). Making it blocks the page for a tenth of a second or more while the audio
   * device opens: on the first key of a game that would stall the input timer just as the player
   * starts to move, and the inputs it owes would then reach the server together and late.
   */
  prepare() {
    if (this.muted || this.ctx) return;
    this.ctx = makeContext();
  }

  /** Starts the audio (call from a key or touch): resumes what `prepare` made, or makes it. */
  unlock() {
    if (this.muted) return;
    if (!this.ctx) this.ctx = makeContext();
    if (this.ctx?.state === 'suspended') this.ctx.resume().catch(() => {});
  }

  /** @param {SoundName} name */
  play(name) {
    const ctx = this.ctx;
    if (this.muted || !ctx || ctx.state !== 'running') return;
    const tone = TONES[name];
    const t = ctx.currentTime;
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = /** @type {OscillatorType} */ (tone.type);
    osc.frequency.setValueAtTime(tone.from, t);
    osc.frequency.exponentialRampToValueAtTime(tone.to, t + tone.secs);
    gain.gain.setValueAtTime(tone.gain, t);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + tone.secs);
    osc.connect(gain).connect(ctx.destination);
    osc.start(t);
    osc.stop(t + tone.secs + 0.02);
  }
}
