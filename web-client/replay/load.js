// @ts-check
// Fetching a recorded match's viewer stream, `GET /matches/{id}/replay/view` (`?key=K` for a
// private room's recording), and what to tell the viewer when it cannot be played: the server's
// refusal (404, 403 with its JSON `{"error": ...}`), a server that cannot be reached, or a stream
// that does not read.

import { parseViewerStream, ReplayStreamError } from './stream.js';
import { indexStream } from './stream_index.js';

/** @typedef {import('./stream_index.js').StreamIndex} StreamIndex */

/** Why a replay cannot be shown: `message` is for the viewer. */
export class ReplayLoadError extends Error {
  /** @param {string} message @param {number | null} [status] the HTTP status, if the server answered */
  constructor(message, status = null) {
    super(message);
    this.name = 'ReplayLoadError';
    this.status = status;
  }
}

/**
 * The address of match `id`'s viewer stream.
 * @param {string} id
 * @param {string | null} key a private room's key
 * @returns {string}
 */
export function replayUrl(id, key) {
  const query = key ? `?key=${encodeURIComponent(key)}` : '';
  return `/matches/${encodeURIComponent(id)}/replay/view${query}`;
}

/**
 * What to tell the viewer for a refusal.
 * @param {string} id
 * @param {number} status
 * @param {string | null} reason the server's `error`, if it gave one
 * @param {boolean} keyed whether the address had a key
 * @returns {string}
 */
export function refusalText(id, status, reason, keyed) {
  const why = reason ? ` (${reason})` : '';
  if (status === 404) return `There is no recording of match ${id}: it was not recorded, or it is gone${why}.`;
  if (status === 403) {
    return keyed
      ? `This key does not open the recording of match ${id}${why}.`
      : `Match ${id} was played in a private room: its recording needs the room's key (add &key=… to the address)${why}.`;
  }
  if (status === 429) return `Too many tries: wait a minute and load the page again${why}.`;
  return `The server could not send the recording of match ${id}: status ${status}${why}.`;
}

/**
 * Fetches, parses and indexes the recording of match `id`.
 * @param {string} id
 * @param {string | null} key
 * @param {(url: string, init?: any) => Promise<Response>} [fetcher]
 * @returns {Promise<StreamIndex>}
 * @throws {ReplayLoadError}
 */
export async function loadReplay(id, key, fetcher = fetch) {
  /** @type {Response} */
  let resp;
  try {
    resp = await fetcher(replayUrl(id, key), { cache: 'no-store' });
  } catch (e) {
    throw new ReplayLoadError(`The server cannot be reached: ${e instanceof Error ? e.message : String(e)}.`);
  }
  if (!resp.ok) {
    /** @type {string | null} */
    let reason = null;
    try {
      const body = await resp.json();
      if (body && typeof body.error === 'string') reason = body.error;
    } catch {
      // No JSON: the status says enough.
    }
    throw new ReplayLoadError(refusalText(id, resp.status, reason, !!key), resp.status);
  }
  const bytes = new Uint8Array(await resp.arrayBuffer());
  try {
    return indexStream(parseViewerStream(bytes));
  } catch (e) {
    if (e instanceof ReplayStreamError) throw new ReplayLoadError(`The recording of match ${id} cannot be played: ${e.message}.`);
    throw e;
  }
}
