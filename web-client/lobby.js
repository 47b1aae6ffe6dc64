// The lobby: the room list (GET /rooms), creating a room (POST /rooms), joining or watching one,
// and the share link of the room being played. It sits below the join form and opens over the
// game with M. Joining another room is a page load of that room's link, so a share link and a
// click in the list take the same path. A room created here is confirmed with its share link
// (a private room's carries its key) to copy, and a button that plays in it.

/**
 * @typedef {{id: number, game: string, map: string, players: number, capacity: number,
 *   spectators?: number, age_seconds: number, private: boolean, join: string, spectate: string,
 *   key?: string}} RoomView
 * @typedef {{game: string, maps: string[], rooms: RoomView[]}} RoomList
 * @typedef {{id: string, game: string, map: string, started_ms: number, ended_ms: number,
 *   players: string[], replay: string}} RecentMatch
 */

/** How often the open lobby refreshes the list. */
const REFRESH_MS = 2000;

/**
 * A room's age as a person reads it: "40 s", "12 min", "3 h".
 * @param {number} seconds
 * @returns {string}
 */
export function ageText(seconds) {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  return `${Math.floor(seconds / 3600)} h`;
}

/**
 * The link that joins room `room` on the page at `location`; a private room's key comes from the
 * page's own address, where the share link put it.
 * @param {{origin: string, search: string}} location
 * @param {number} room
 * @returns {string}
 */
export function shareLink(location, room) {
  const page = new URLSearchParams(location.search);
  const query = new URLSearchParams({ room: String(room) });
  const key = page.get('room') === String(room) ? page.get('key') : null;
  if (key) query.set('key', key);
  return `${location.origin}/?${query}`;
}

/**
 * The absolute address of a link the rooms API gives as a path (`/?room=3&key=k`).
 * @param {string} link
 * @param {string} origin the page's origin, `http://host:8080`
 * @returns {string}
 */
export function absoluteLink(link, origin) {
  return /^https?:\/\//.test(link) ? link : `${origin}${link.startsWith('/') ? '' : '/'}${link}`;
}

/**
 * One line of the list, as text cells.
 * @param {RoomView} r
 * @returns {string[]}
 */
export function roomCells(r) {
  const watching = r.spectators ? ` · ${r.spectators} watching` : '';
  return [`#${r.id}`, r.map, `${r.players}/${r.capacity}${watching}`, ageText(r.age_seconds)];
}

/**
 * One recent recorded match (GET /matches/recent), as text cells: map, players, when it ended.
 * @param {RecentMatch} m
 * @param {number} nowMs
 * @returns {string[]}
 */
export function recentCells(m, nowMs) {
  const players = m.players.length ? m.players.join(', ') : 'bots only';
  const ago = ageText(Math.max(0, Math.floor((nowMs - m.ended_ms) / 1000)));
  return [m.map, players, `${ago} ago`];
}

export class Lobby {
  /**
   * @param {{root: HTMLElement, currentRoom: () => number | null, fetchImpl?: typeof fetch,
   *   navigate?: (url: string) => void, onCreated?: (join: string) => void}} opts
   *   `onCreated`: a room was created, its join link (the page makes it its own address while
   *   no game runs, so that the name form plays in it)
   */
  constructor(opts) {
    this.root = opts.root;
    this.currentRoom = opts.currentRoom;
    this.fetch = opts.fetchImpl ?? ((url, init) => fetch(url, init));
    this.navigate = opts.navigate ?? ((url) => location.assign(url));
    this.onCreated = opts.onCreated ?? (() => {});
    /** The room created here last: its number, whether private, and its share link. */
    this.created = /** @type {{id: number, private: boolean, link: string} | null} */ (null);
    /** @type {RoomList | null} */
    this.list = null;
    /** @type {any} */
    this.timer = null;
    /** @type {RecentMatch[] | null} */
    this.recent = null;
    this.build();
  }

  build() {
    const doc = document;
    this.root.replaceChildren();
    const el = (/** @type {string} */ tag, /** @type {Record<string, string>} */ props = {}) => {
      const e = doc.createElement(tag);
      for (const [k, v] of Object.entries(props)) e.setAttribute(k, v);
      return e;
    };
    const head = el('div', { class: 'lobby-head' });
    head.append(Object.assign(el('h2'), { textContent: 'Rooms' }));
    this.here = el('div', { class: 'lobby-here', id: 'lobby-here' });
    this.rows = el('div', { class: 'lobby-rows', id: 'lobby-rooms' });
    this.recentBox = el('div', { class: 'lobby-recent', id: 'lobby-recent' });
    this.recentBox.hidden = true;
    this.error = el('div', { class: 'lobby-error', id: 'lobby-error' });
    const form = /** @type {HTMLFormElement} */ (el('form', { id: 'lobby-create', class: 'lobby-create' }));
    this.mapSelect = /** @type {HTMLSelectElement} */ (el('select', { name: 'map', 'aria-label': 'Map' }));
    this.capacity = /** @type {HTMLInputElement} */ (
      el('input', { name: 'capacity', type: 'number', min: '1', max: '64', value: '8', 'aria-label': 'Players' })
    );
    this.bots = /** @type {HTMLInputElement} */ (
      el('input', { name: 'bots', type: 'number', min: '0', max: '32', value: '2', 'aria-label': 'Bots' })
    );
    this.private = /** @type {HTMLInputElement} */ (el('input', { name: 'private', type: 'checkbox' }));
    const label = (/** @type {string} */ text, /** @type {HTMLElement} */ field, after = false) => {
      const l = el('label');
      if (after) l.append(field, ` ${text}`);
      else l.append(`${text} `, field);
      return l;
    };
    const create = Object.assign(el('button', { type: 'submit' }), { textContent: 'Create room' });
    form.append(
      this.mapSelect,
      label('players', this.capacity),
      label('bots', this.bots),
      label('private', this.private, true),
      create,
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.create();
    });
    this.createdBox = el('div', { class: 'lobby-created', id: 'lobby-created' });
    this.createdBox.hidden = true;
    this.root.append(head, this.here, this.rows, form, this.createdBox, this.recentBox, this.error);
  }

  /** Shows the room created last, with its share link to copy and a button to play in it. */
  renderCreated() {
    const c = this.created;
    this.createdBox.hidden = !c;
    if (!c) return;
    const doc = document;
    const title = doc.createElement('span');
    title.textContent = `Room #${c.id} created${c.private ? ' (private: only its link gets in)' : ''}. Share this link:`;
    const row = doc.createElement('div');
    const link = /** @type {HTMLInputElement} */ (doc.createElement('input'));
    link.id = 'lobby-created-link';
    link.readOnly = true;
    link.value = c.link;
    link.setAttribute('aria-label', 'Share link');
    const copy = Object.assign(doc.createElement('button'), { type: 'button', textContent: 'Copy' });
    copy.addEventListener('click', () => {
      link.select?.();
      const done = () => (copy.textContent = 'Copied');
      navigator.clipboard?.writeText(c.link).then(done, () => (copy.textContent = 'Select and copy'));
    });
    const play = Object.assign(doc.createElement('button'), { type: 'button', textContent: 'Play in it', id: 'lobby-created-play' });
    play.addEventListener('click', () => this.navigate(c.link));
    row.append(link, copy, play);
    this.createdBox.replaceChildren(title, row);
  }

  /** Shows the lobby and keeps its list fresh while it is shown. */
  open() {
    this.root.hidden = false;
    void this.refresh();
    clearInterval(this.timer);
    this.timer = setInterval(() => void this.refresh(), REFRESH_MS);
  }

  close() {
    this.root.hidden = true;
    clearInterval(this.timer);
  }

  toggle() {
    if (this.root.hidden) this.open();
    else this.close();
  }

  async refresh() {
    try {
      const resp = await this.fetch('/rooms');
      if (!resp.ok) throw new Error(`the room list answered ${resp.status}`);
      this.list = /** @type {RoomList} */ (await resp.json());
      this.error.textContent = '';
    } catch (e) {
      this.error.textContent = `Cannot load the room list: ${/** @type {Error} */ (e).message}`;
    }
    await this.refreshRecent();
    this.render();
  }

  /** The recent recorded matches; none (hidden) when the server keeps none or stores nothing. */
  async refreshRecent() {
    try {
      const resp = await this.fetch('/matches/recent');
      const list = resp.ok ? await resp.json() : [];
      this.recent = /** @type {RecentMatch[]} */ (Array.isArray(list) ? list : []);
    } catch {
      this.recent = [];
    }
  }

  /** Shows the recent recorded matches, each with a Watch link that plays it. */
  renderRecent() {
    const doc = document;
    const recent = this.recent ?? [];
    this.recentBox.hidden = recent.length === 0;
    if (recent.length === 0) {
      this.recentBox.replaceChildren();
      return;
    }
    const title = Object.assign(doc.createElement('h3'), { textContent: 'Recent matches' });
    const rows = recent.map((m) => {
      const row = doc.createElement('div');
      row.className = 'lobby-row';
      row.dataset.match = m.id;
      for (const text of recentCells(m, Date.now())) row.append(Object.assign(doc.createElement('span'), { textContent: text }));
      row.append(Object.assign(doc.createElement('a'), { href: m.replay, textContent: 'Watch', className: 'lobby-replay' }));
      return row;
    });
    this.recentBox.replaceChildren(title, ...rows);
  }

  render() {
    const doc = document;
    const room = this.currentRoom();
    this.here.replaceChildren();
    this.renderRecent();
    if (room !== null) {
      const link = doc.createElement('a');
      link.id = 'lobby-share';
      link.href = shareLink(location, room);
      link.textContent = 'share link';
      link.addEventListener('click', (e) => {
        e.preventDefault();
        void navigator.clipboard?.writeText(link.href).catch(() => {});
        link.textContent = 'link copied';
      });
      this.here.append(`You are in room #${room} · `, link);
    }
    if (!this.list) return;
    if (this.mapSelect.options.length !== this.list.maps.length) {
      this.mapSelect.replaceChildren(
        ...this.list.maps.map((m) => Object.assign(doc.createElement('option'), { value: m, textContent: m })),
      );
    }
    const rows = this.list.rooms.map((r) => {
      const row = doc.createElement('div');
      row.className = 'lobby-row';
      row.dataset.room = String(r.id);
      for (const text of roomCells(r)) row.append(Object.assign(doc.createElement('span'), { textContent: text }));
      const join = Object.assign(doc.createElement('a'), { href: r.join, textContent: 'Join', className: 'lobby-join' });
      const watch = Object.assign(doc.createElement('a'), { href: r.spectate, textContent: 'Watch', className: 'lobby-watch' });
      if (r.id === room) join.textContent = 'Here';
      row.append(join, watch);
      return row;
    });
    if (rows.length === 0) {
      rows.push(Object.assign(doc.createElement('div'), { className: 'lobby-empty', textContent: 'No rooms yet: create one, or just play.' }));
    }
    this.rows.replaceChildren(...rows);
  }

  async create() {
    const body = {
      map: this.mapSelect.value || undefined,
      capacity: Number(this.capacity.value),
      bots: Number(this.bots.value),
      private: this.private.checked,
    };
    try {
      const resp = await this.fetch('/rooms', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const answer = await resp.json();
      if (!resp.ok) throw new Error(answer.error ?? `the server answered ${resp.status}`);
      const origin = typeof location === 'undefined' ? '' : location.origin;
      this.created = { id: answer.id, private: !!answer.private, link: absoluteLink(answer.join, origin) };
      this.error.textContent = '';
      this.renderCreated();
      this.onCreated(answer.join);
      void this.refresh();
    } catch (e) {
      this.error.textContent = `Cannot create the room: ${/** @type {Error} */ (e).message}`;
    }
  }
}
