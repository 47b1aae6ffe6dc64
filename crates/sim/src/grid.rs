//! A uniform grid over the map that finds which players and bots a projectile might reach,
//! so that a tick costs about O(projectiles + actors) instead of O(projectiles * actors).

use glam::Vec2;

/// Side of a grid cell, in units. About twice the reach of a projectile in one tick at 60 Hz
/// plus the radii, so a query usually touches one to four cells.
const CELL: f32 = 64.0;

/// Most cells per side; a bigger map gets bigger cells (the map is at most 16384 units).
const MAX_CELLS_PER_SIDE: u32 = 256;

/// Indices of points (in the order given) bucketed by cell, rebuilt once per tick. Built with a
/// counting sort into flat vectors, so iteration order is fixed by the input order.
#[derive(Debug, Default)]
pub(crate) struct PointGrid {
    cell: f32,
    cols: u32,
    rows: u32,
    /// `starts[c]..starts[c + 1]` is the range of `items` in cell `c`.
    starts: Vec<u32>,
    items: Vec<u32>,
}

impl PointGrid {
    /// Buckets `points` (which should lie inside the `width` x `height` map; others are put in
    /// the nearest edge cell) by cell.
    pub(crate) fn build(
        width: f32,
        height: f32,
        points: impl ExactSizeIterator<Item = Vec2> + Clone,
    ) -> Self {
        let side = width.max(height).max(1.0);
        let cell = CELL.max(side / MAX_CELLS_PER_SIDE as f32);
        let cols = ((width / cell).ceil() as u32).clamp(1, MAX_CELLS_PER_SIDE);
        let rows = ((height / cell).ceil() as u32).clamp(1, MAX_CELLS_PER_SIDE);
        let mut grid = PointGrid {
            cell,
            cols,
            rows,
            starts: Vec::new(),
            items: Vec::new(),
        };
        let cells = (cols * rows) as usize;
        let mut counts = vec![0u32; cells + 1];
        for p in points.clone() {
            counts[grid.cell_of(p)] += 1;
        }
        // Exclusive prefix sums: counts[c] becomes the start of cell c.
        let mut sum = 0;
        for c in counts.iter_mut() {
            let n = *c;
            *c = sum;
            sum += n;
        }
        grid.items = vec![0; points.len()];
        let mut next = counts.clone();
        for (i, p) in points.enumerate() {
            let c = grid.cell_of(p);
            grid.items[next[c] as usize] = i as u32;
            next[c] += 1;
        }
        grid.starts = counts;
        grid
    }

    fn col(&self, x: f32) -> u32 {
        // `as` saturates (and maps NaN to 0), so any float lands in a valid cell after the min.
        ((x / self.cell) as u32).min(self.cols - 1)
    }

    fn row(&self, y: f32) -> u32 {
        ((y / self.cell) as u32).min(self.rows - 1)
    }

    fn cell_of(&self, p: Vec2) -> usize {
        (self.row(p.y) * self.cols + self.col(p.x)) as usize
    }

    /// Calls `f` with the index of every point whose cell overlaps the box `min..=max` (a
    /// superset of the points inside the box), each once, in no particular order.
    pub(crate) fn for_each_near(&self, min: Vec2, max: Vec2, mut f: impl FnMut(usize)) {
        if self.items.is_empty() {
            return;
        }
        let (c0, c1) = (self.col(min.x), self.col(max.x));
        let (r0, r1) = (self.row(min.y), self.row(max.y));
        for r in r0..=r1 {
            let first = (r * self.cols + c0) as usize;
            let last = (r * self.cols + c1) as usize;
            // Cells of one row are contiguous, so the whole span is one slice.
            let span = self.starts[first] as usize..self.starts[last + 1] as usize;
            for &i in &self.items[span] {
                f(i as usize);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_point_in_a_box_and_only_nearby_ones() {
        let points: Vec<Vec2> = (0..400)
            .map(|i| Vec2::new((i * 37 % 1000) as f32, (i * 91 % 700) as f32))
            .collect();
        let grid = PointGrid::build(1000.0, 700.0, points.iter().copied());
        let (min, max) = (Vec2::new(200.0, 100.0), Vec2::new(260.0, 180.0));
        let mut found = Vec::new();
        grid.for_each_near(min, max, |i| found.push(i));
        for (i, p) in points.iter().enumerate() {
            let inside = p.x >= min.x && p.x <= max.x && p.y >= min.y && p.y <= max.y;
            if inside {
                assert!(found.contains(&i), "missed point {i} at {p}");
            }
        }
        assert!(
            found.len() < points.len() / 4,
            "a small box sees few points: {}",
            found.len()
        );
        found.sort_unstable();
        found.dedup();
        assert!(found.iter().all(|&i| i < points.len()));
    }

    #[test]
    fn points_outside_the_map_land_in_edge_cells() {
        let points = [
            Vec2::new(-50.0, -50.0),
            Vec2::new(5000.0, 5000.0),
            Vec2::new(f32::NAN, 1.0),
        ];
        let grid = PointGrid::build(100.0, 100.0, points.iter().copied());
        let mut found = Vec::new();
        grid.for_each_near(Vec2::new(-1e9, -1e9), Vec2::new(1e9, 1e9), |i| {
            found.push(i)
        });
        found.sort_unstable();
        assert_eq!(found, [0, 1, 2]);
    }
}
