//! Area of interest: a grid of cells built once per snapshot, and the view of a client in a cell.
//!
//! A client's view is every entity in the square block of cells around its own cell, `reach`
//! cells each way, where `reach` covers the view radius from anywhere in the cell: the radius
//! plus a margin of up to one cell. All clients in the same cell see exactly the same entities,
//! so their deltas can be encoded once and shared.
//!
//! An entity's place is its kind's position field (the schema says which, and its step): the
//! grid reads the two slots of that field, and a cell is half the view radius, in that kind's
//! slot units. Entities whose kind has no position are in every view.

use tickwire_protocol::{Schema, World};

thread_local! {
    /// The bitset a view is marked in, kept by each thread (all zeros between views).
    static MARKS: std::cell::RefCell<Vec<u64>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Marks a view's bitset reads out of each word whether it has them or not (see
/// [`Grid::picks`]).
const SPREAD: usize = 4;

/// A grid cell, in cell coordinates.
pub type Cell = (i32, i32);

/// The grid of one snapshot.
#[derive(Debug)]
pub struct Grid {
    /// Per kind: the first slot of its position and the cell size in that kind's slot units
    /// (`None`: the kind is seen everywhere).
    kinds: Vec<Option<(usize, i64)>>,
    reach: i32,
    /// (cell key, index into the state's entities), sorted by key then index.
    entries: Vec<(u64, u32)>,
    /// The entity indices of `entries`, alone: what a view reads of them.
    indices: Vec<u32>,
    /// Entities every view holds (their kind has no position).
    everywhere: Vec<u32>,
    /// Where each cell's run of `entries` starts, when they were counted cell by cell.
    index: Option<CellIndex>,
}

/// The cells of a block from `lo`, `rows` rows high, numbered column by column, and where each
/// one's entries start (one more start than cells).
#[derive(Debug)]
struct CellIndex {
    lo: Cell,
    cols: u64,
    rows: u64,
    starts: Vec<u32>,
}

impl CellIndex {
    /// The entries of column `col`, rows `r0..=r1`.
    fn column(&self, col: i32, r0: i32, r1: i32) -> std::ops::Range<usize> {
        let c = i64::from(col) - i64::from(self.lo.0);
        let r0 = (i64::from(r0) - i64::from(self.lo.1)).max(0);
        let r1 = (i64::from(r1) - i64::from(self.lo.1)).min(self.rows as i64 - 1);
        if c < 0 || c as u64 >= self.cols || r0 > r1 {
            return 0..0;
        }
        let first = c as u64 * self.rows;
        let at = |r: i64| {
            self.starts
                .get((first + r as u64) as usize)
                .map_or(0, |&s| s as usize)
        };
        at(r0)..at(r1 + 1)
    }
}

/// Orders cells by column then row, with negative coordinates before positive ones.
fn key(c: Cell) -> u64 {
    let bias = |v: i32| (v as i64 - i64::from(i32::MIN)) as u64;
    (bias(c.0) << 32) | bias(c.1)
}

/// `placed` (entities in increasing index order with their cells, which lie within `lo..=hi`)
/// as (cell key, index), sorted by key then index. When the cells span a block not much larger
/// than the entities, a counting sort over that block (stable, so indices stay increasing within
/// a cell); otherwise a comparison sort. Both give the same order.
fn sort_by_cell(
    placed: &[(Cell, u32)],
    lo: Cell,
    hi: Cell,
) -> (Vec<(u64, u32)>, Option<CellIndex>) {
    let span = |l: i32, h: i32| (i64::from(h) - i64::from(l) + 1).max(0) as u64;
    let (cols, rows) = (span(lo.0, hi.0), span(lo.1, hi.1));
    let cells = cols.saturating_mul(rows);
    if placed.is_empty() || cells > 4 * placed.len() as u64 + 1024 {
        let mut entries: Vec<(u64, u32)> = placed.iter().map(|&(c, i)| (key(c), i)).collect();
        entries.sort_unstable();
        return (entries, None);
    }
    // Keys order cells by column, then row: so does this cell number.
    let number = |c: Cell| {
        ((i64::from(c.0) - i64::from(lo.0)) as u64 * rows
            + (i64::from(c.1) - i64::from(lo.1)) as u64) as usize
    };
    let mut starts = vec![0u32; cells as usize + 1];
    for &(c, _) in placed {
        starts[number(c) + 1] += 1;
    }
    for k in 1..starts.len() {
        starts[k] += starts[k - 1];
    }
    let index = CellIndex {
        lo,
        cols,
        rows,
        starts: starts.clone(),
    };
    let mut entries = vec![(0u64, 0u32); placed.len()];
    for &(c, i) in placed {
        let at = &mut starts[number(c)];
        entries[*at as usize] = (key(c), i);
        *at += 1;
    }
    (entries, Some(index))
}

impl Grid {
    /// A grid over `state` (a world of `schema`) for a view radius of `radius` world units;
    /// cells are half the radius.
    pub fn build(schema: &Schema, state: &World, radius: f32) -> Grid {
        let kinds = schema
            .layouts()
            .iter()
            .map(|l| {
                l.position.map(|(slot, step)| {
                    let cell = (f64::from(radius) / 2.0).max(1.0) / f64::from(step);
                    (slot, (cell as i64).max(1))
                })
            })
            .collect();
        let mut grid = Grid {
            kinds,
            reach: 2,
            entries: Vec::with_capacity(state.len()),
            indices: Vec::new(),
            everywhere: Vec::new(),
            index: None,
        };
        let mut placed = Vec::with_capacity(state.len());
        let (mut lo, mut hi) = ((i32::MAX, i32::MAX), (i32::MIN, i32::MIN));
        for i in 0..state.len() {
            match grid.cell_of(state, i) {
                Some(cell) => {
                    lo = (lo.0.min(cell.0), lo.1.min(cell.1));
                    hi = (hi.0.max(cell.0), hi.1.max(cell.1));
                    placed.push((cell, i as u32));
                }
                None => grid.everywhere.push(i as u32),
            }
        }
        (grid.entries, grid.index) = sort_by_cell(&placed, lo, hi);
        grid.indices = grid.entries.iter().map(|&(_, i)| i).collect();
        grid
    }

    /// How many cells the grid numbers (see [`Grid::number`]): none when its entities are too
    /// far apart to count cell by cell.
    pub fn numbered_cells(&self) -> usize {
        self.index.as_ref().map_or(0, |x| x.starts.len() - 1)
    }

    /// The number of `cell` among the grid's [`Grid::numbered_cells`], when it has one.
    pub fn number(&self, cell: Cell) -> Option<usize> {
        let x = self.index.as_ref()?;
        let c = u64::try_from(i64::from(cell.0) - i64::from(x.lo.0)).ok()?;
        let r = u64::try_from(i64::from(cell.1) - i64::from(x.lo.1)).ok()?;
        (c < x.cols && r < x.rows).then(|| (c * x.rows + r) as usize)
    }

    /// The cell entity `i` of `state` is in; `None` when its kind has no position (or there is
    /// no such entity).
    pub fn cell_of(&self, state: &World, i: usize) -> Option<Cell> {
        let kind = state.entities().get(i)?.kind;
        let (slot, cell) = (*self.kinds.get(usize::from(kind.0))?)?;
        let slots = state.slots(i);
        let (x, y) = (*slots.get(slot)?, *slots.get(slot + 1)?);
        Some((
            i64::from(x).div_euclid(cell) as i32,
            i64::from(y).div_euclid(cell) as i32,
        ))
    }

    /// Every entity a client in `cell` sees, sorted by id.
    #[cfg(test)]
    pub fn view(&self, state: &World, cell: Cell) -> World {
        let picks = self.picks(state, cell);
        let mut view = World::new(state.tick);
        view.reserve(picks.len(), state.slot_count() / state.len().max(1));
        view.extend_picked(state, picks.iter().map(|&i| i as usize));
        view
    }

    /// The indices in `state` of every entity a client in `cell` sees, increasing (so in id
    /// order).
    pub fn picks(&self, state: &World, cell: Cell) -> Vec<u32> {
        // Mark the entities of the block in a bitset over the state's entities (sorted by id),
        // then read the bitset in order: the picks come out sorted with no sort.
        MARKS.with_borrow_mut(|marks| self.picks_marked(state, cell, marks))
    }

    /// [`Grid::picks`], marking in `marks` (left all zeros).
    fn picks_marked(&self, state: &World, cell: Cell, marks: &mut Vec<u64>) -> Vec<u32> {
        marks.resize(state.len().div_ceil(64), 0);
        let mut count = self.everywhere.len();
        for &i in &self.everywhere {
            marks[i as usize / 64] |= 1 << (i % 64);
        }
        // Keys order cells by column, then row: each column of the block is one run of entries.
        for dx in -self.reach..=self.reach {
            let col = cell.0.saturating_add(dx);
            let (r0, r1) = (
                cell.1.saturating_sub(self.reach),
                cell.1.saturating_add(self.reach),
            );
            let run = match &self.index {
                Some(index) => index.column(col, r0, r1),
                None => {
                    let (lo, hi) = (key((col, r0)), key((col, r1)));
                    let start = self.entries.partition_point(|&(e, _)| e < lo);
                    start..start + self.entries[start..].partition_point(|&(e, _)| e <= hi)
                }
            };
            for &i in self.indices.get(run).unwrap_or(&[]) {
                marks[i as usize / 64] |= 1 << (i % 64);
                count += 1;
            }
        }
        // Each word's first four marks are written whether it has them or not, and the end
        // moves on by how many it has: a view's marks are spread one or two to a word, and a
        // loop that stops at each word's last mark guesses wrong at most of them.
        let mut picks = vec![0u32; count + SPREAD];
        let mut end = 0;
        for (w, bits) in marks.iter_mut().enumerate() {
            let mut b = std::mem::take(bits);
            let (first, n) = ((w * 64) as u32, b.count_ones() as usize);
            for k in 0..SPREAD {
                if let Some(p) = picks.get_mut(end + k) {
                    *p = first + b.trailing_zeros();
                }
                b &= b.wrapping_sub(1);
            }
            let mut k = SPREAD;
            while b != 0 {
                if let Some(p) = picks.get_mut(end + k) {
                    *p = first + b.trailing_zeros();
                }
                b &= b - 1;
                k += 1;
            }
            end += n;
        }
        picks.truncate(end);
        picks
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tickwire_protocol::{EntityId, FieldDesc, KindDesc, KindId, SchemaDesc, Tick, WireType};

    fn schema() -> Schema {
        Schema::new(SchemaDesc {
            game: "aoi".into(),
            version: 1,
            kinds: vec![
                KindDesc::new(
                    "prop",
                    vec![FieldDesc::new("pos", WireType::Vec2 { step: 1.0 / 16.0 })],
                )
                .positioned_by("pos"),
                KindDesc::new("team", vec![FieldDesc::new("score", WireType::Bool)]),
            ],
            ..SchemaDesc::default()
        })
        .expect("valid")
    }

    #[test]
    fn the_counting_sort_orders_as_a_comparison_sort() {
        let mut placed = Vec::new();
        let mut x = 12345u32;
        for i in 0..500 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let cell = ((x >> 8) as i32 % 13 - 6, (x >> 20) as i32 % 9 - 4);
            placed.push((cell, i));
        }
        let lo = placed.iter().fold((i32::MAX, i32::MAX), |l, &(c, _)| {
            (l.0.min(c.0), l.1.min(c.1))
        });
        let hi = placed.iter().fold((i32::MIN, i32::MIN), |h, &(c, _)| {
            (h.0.max(c.0), h.1.max(c.1))
        });
        let mut sorted: Vec<(u64, u32)> = placed.iter().map(|&(c, i)| (key(c), i)).collect();
        sorted.sort_unstable();
        assert_eq!(sort_by_cell(&placed, lo, hi).0, sorted);
        // Far apart: the comparison sort.
        placed.push(((1 << 20, -(1 << 20)), 500));
        let hi = (1 << 20, hi.1);
        let lo = (lo.0, -(1 << 20));
        let mut sorted: Vec<(u64, u32)> = placed.iter().map(|&(c, i)| (key(c), i)).collect();
        sorted.sort_unstable();
        assert_eq!(sort_by_cell(&placed, lo, hi).0, sorted);
    }

    #[test]
    fn views_are_the_cells_within_reach_whether_the_grid_is_indexed_or_searched() {
        let schema = schema();
        for far in [false, true] {
            let mut state = World::new(Tick(1));
            let mut id = 0;
            for x in (-300..300).step_by(7) {
                for y in (-200..400).step_by(11) {
                    state
                        .push(EntityId(id), KindId(0))
                        .values(&[x * 16, y * 16]);
                    id += 1;
                }
            }
            if far {
                // So far away that the cells' block is too large to count: the grid searches.
                state
                    .push(EntityId(id), KindId(0))
                    .values(&[i32::MAX - 5, i32::MIN + 5]);
            }
            let grid = Grid::build(&schema, &state, 60.0);
            assert_eq!(grid.index.is_some(), !far);
            // Every cell of a counted grid has a number of its own; an uncounted one numbers none.
            let mut cells: Vec<Cell> = (0..state.len())
                .filter_map(|i| grid.cell_of(&state, i))
                .collect();
            cells.sort_unstable();
            cells.dedup();
            let mut numbers: Vec<usize> = cells.iter().filter_map(|&c| grid.number(c)).collect();
            numbers.sort_unstable();
            numbers.dedup();
            assert_eq!(numbers.len(), if far { 0 } else { cells.len() });
            assert!(numbers.iter().all(|&n| n < grid.numbered_cells()));
            assert_eq!(grid.number((i32::MIN, i32::MAX)), None);
            for cell in [(0, 0), (-11, -7), (9, 13), (-20, 0), (30, 30)] {
                let view = grid.view(&state, cell);
                let expected: Vec<EntityId> = (0..state.len())
                    .filter(|&i| {
                        let c = grid.cell_of(&state, i).expect("placed");
                        (c.0 - cell.0).abs() <= grid.reach && (c.1 - cell.1).abs() <= grid.reach
                    })
                    .map(|i| state.entities()[i].id)
                    .collect();
                let seen: Vec<EntityId> = view.entities().iter().map(|e| e.id).collect();
                assert_eq!(seen, expected, "cell {cell:?}, far {far}");
                assert!(view.is_sorted());
            }
        }
    }

    #[test]
    fn a_view_holds_everything_within_the_radius_and_not_far_away() {
        let mut state = World::new(Tick(1));
        let mut places = Vec::new();
        let mut id = 1;
        for x in (0..1000).step_by(10) {
            for y in (0..1000).step_by(10) {
                state
                    .push(EntityId(id), KindId(0))
                    .values(&[x * 16, y * 16]);
                places.push((id, x as f32, y as f32));
                id += 1;
            }
        }
        // A kind without a position: everyone sees it.
        state.push(EntityId(id), KindId(1)).value(1);
        let schema = schema();
        let grid = Grid::build(&schema, &state, 100.0);
        let mut me = World::new(Tick(1));
        me.push(EntityId(0), KindId(0))
            .values(&[503 * 16, 497 * 16]);
        let cell = grid.cell_of(&me, 0).expect("placed");
        let view = grid.view(&state, cell);
        assert!(view.is_sorted());
        assert!(view.find(EntityId(id)).is_some(), "the team is everywhere");
        for (id, x, y) in places {
            let (dx, dy) = (x - 503.0, y - 497.0);
            let d = (dx * dx + dy * dy).sqrt();
            let seen = view.find(EntityId(id)).is_some();
            if d <= 100.0 {
                assert!(seen, "{id} at {d} not seen");
            }
            if d > 100.0 * 2.0 + 71.0 {
                assert!(!seen, "{id} at {d} seen");
            }
        }
    }
}
