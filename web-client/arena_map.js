// @ts-check
// The arena's map as the page draws it and moves by: the Welcome's map (its name and size) and
// its walls, which travel as the map's features: entities of the kind "wall" (`min`, `size`,
// both vectors) in the world the features decode to. A schema without walls has none.

import { fields } from './netcode/index.js';

/**
 * @typedef {import('./netcode/schema.js').Schema} Schema
 * @typedef {import('./netcode/world.js').World} World
 * @typedef {import('./movement.js').Wall} Wall
 * @typedef {{name: string, width: number, height: number, walls: Wall[]}} ArenaMap
 */

/**
 * The walls of a decoded map world: every entity of kind "wall", its `min` corner and `size`.
 * @param {Schema} schema
 * @param {World} world
 * @returns {Wall[]}
 */
export function arenaWalls(schema, world) {
  /** @type {Wall[]} */
  const walls = [];
  world.entities.forEach((e, i) => {
    if (schema.desc.kinds[e.kind]?.name !== 'wall') return;
    const f = fields(schema, world, i);
    if (!Array.isArray(f.min) || !Array.isArray(f.size)) return;
    walls.push({ x: f.min[0], y: f.min[1], w: f.size[0], h: f.size[1] });
  });
  return walls;
}

/**
 * The map of a Welcome.
 * @param {{map: import('./netcode/messages.js').MapInfo, schema: Schema}} welcome
 * @returns {ArenaMap}
 */
export function arenaMap(welcome) {
  const { name, width, height, world } = welcome.map;
  return { name, width, height, walls: arenaWalls(welcome.schema, world) };
}
