//! Area of interest: a grid of cells built once per snapshot, and the view of a client in a cell.
//!
//! A client's view is every entity in the square block of cells around its own cell, `reach`
//! cells each way, where `reach` covers the view radius from anywhere in the cell: the radius
//! plus a margin of up to one cell. All clients in the same cell see exactly the same entities,
//! so their deltas can be encoded once and shared.

use tickwire_protocol::{EntityState, WorldState, quant::POS_SCALE};

/// A grid cell, in cell coordinates.
pub type Cell = (i32, i32);

/// The grid of one snapshot.
#[derive(Debug)]
pub struct Grid {
    cell_fixed: i64,
    reach: i32,
    /// (cell key, index into the state's entities), sorted by key then index.
    entries: Vec<(u64, u32)>,
}

/// Orders cells by column then row, with negative coordinates before positive ones.
fn key(c: Cell) -> u64 {
    let bias = |v: i32| (v as i64 - i64::from(i32::MIN)) as u64;
    (bias(c.0) << 32) | bias(c.1)
}

impl Grid {
    /// A grid over `state` for a view radius of `radius` world units; cells are half the radius.
    pub fn build(state: &WorldState, radius: f32) -> Grid {
        let cell_fixed = ((radius * POS_SCALE / 2.0).max(16.0)) as i64;
        let mut grid = Grid {
            cell_fixed,
            reach: 2,
            entries: Vec::with_capacity(state.entities.len()),
        };
        for (i, e) in state.entities.iter().enumerate() {
            grid.entries.push((key(grid.cell_of(e)), i as u32));
        }
        grid.entries.sort_unstable();
        grid
    }

    /// The cell an entity is in.
    pub fn cell_of(&self, e: &EntityState) -> Cell {
        (
            i64::from(e.x).div_euclid(self.cell_fixed) as i32,
            i64::from(e.y).div_euclid(self.cell_fixed) as i32,
        )
    }

    /// Every entity a client in `cell` sees, sorted by id.
    pub fn view(&self, state: &WorldState, cell: Cell) -> WorldState {
        // Mark the entities of the block in a bitset over the state's entities (sorted by id),
        // then read the bitset in order: the view comes out sorted with no sort.
        let mut marks = vec![0u64; state.entities.len().div_ceil(64)];
        let mut count = 0;
        // Keys order cells by column, then row: each column of the block is one run of entries.
        for dx in -self.reach..=self.reach {
            let col = cell.0.saturating_add(dx);
            let lo = key((col, cell.1.saturating_sub(self.reach)));
            let hi = key((col, cell.1.saturating_add(self.reach)));
            let start = self.entries.partition_point(|&(e, _)| e < lo);
            for &(_, i) in self.entries[start..].iter().take_while(|&&(e, _)| e <= hi) {
                marks[i as usize / 64] |= 1 << (i % 64);
                count += 1;
            }
        }
        let mut entities = Vec::with_capacity(count);
        for (w, &bits) in marks.iter().enumerate() {
            let mut bits = bits;
            while bits != 0 {
                let i = w * 64 + bits.trailing_zeros() as usize;
                entities.push(state.entities[i]);
                bits &= bits - 1;
            }
        }
        WorldState {
            tick: state.tick,
            entities,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tickwire_protocol::{EntityId, EntityKind, Tick};

    fn at(id: u32, x: f32, y: f32) -> EntityState {
        EntityState {
            id: EntityId(id),
            kind: EntityKind::Prop,
            x: (x * 16.0) as i32,
            y: (y * 16.0) as i32,
            angle: 0,
            hp: 100,
        }
    }

    #[test]
    fn a_view_holds_everything_within_the_radius_and_not_far_away() {
        let mut entities = Vec::new();
        let mut id = 1;
        for x in (0..1000).step_by(10) {
            for y in (0..1000).step_by(10) {
                entities.push(at(id, x as f32, y as f32));
                id += 1;
            }
        }
        let state = WorldState {
            tick: Tick(1),
            entities,
        };
        let grid = Grid::build(&state, 100.0);
        let me = at(0, 503.0, 497.0);
        let view = grid.view(&state, grid.cell_of(&me));
        assert!(view.is_sorted());
        for e in &state.entities {
            let (dx, dy) = ((e.x - me.x) as f32 / 16.0, (e.y - me.y) as f32 / 16.0);
            let d = (dx * dx + dy * dy).sqrt();
            let seen = view.entity(e.id).is_some();
            if d <= 100.0 {
                assert!(seen, "{:?} at {d} not seen", e.id);
            }
            if d > 100.0 * 2.0 + 71.0 {
                assert!(!seen, "{:?} at {d} seen", e.id);
            }
        }
    }
}
