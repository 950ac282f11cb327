//! Small-cell suppression for published tables: a count under [`THRESHOLD`] is shown as "<10",
//! and enough other cells are hidden with it that no published figure lets it be worked out by
//! subtraction (from a row total, a column total or the grand total).
//!
//! The reasoning. A table with its totals is a set of equations: each row's cells add up to the
//! row's total, each column's to the column's, the totals to the grand total. Draw every row and
//! every column (the totals' row and column too) as a point, and every cell as a line between
//! its row and its column. A hidden cell can be worked out exactly if and only if it is a
//! *bridge* among the hidden cells: a line that lies on no cycle of hidden lines. (A cycle of
//! hidden cells can be shifted by +1, −1, +1, … around it without changing any total, so none of
//! them is determined; a bridge splits the hidden cells in two and the equations of one side
//! give it.) A row or column whose total is not published constrains nothing, so all such
//! points are one point, "free".
//!
//! So: hide the small cells, then, while some hidden figure is a bridge, hide the cheapest path
//! of published figures between its two points. The bridge and the path make a cycle, so each
//! step removes a bridge and makes none.

/// Counts below this are not published.
pub const THRESHOLD: u64 = 10;

/// A table to publish: `cells[row][column]`, and the totals published with it. A total is
/// given as published, which for counts of distinct people is not always the sum of its cells
/// (one family helped with food and with cash is one family in the total); suppression treats
/// every total as the sum it would be at worst, which protects at least as well.
#[derive(Debug, Clone)]
pub struct Grid {
    pub cells: Vec<Vec<u64>>,
    pub row_totals: Option<Vec<u64>>,
    pub column_totals: Option<Vec<u64>>,
    pub grand_total: Option<u64>,
    /// Cells the reader knows already — a member's own figures, and in a list of rows the
    /// zeros (a member that did nothing there has no row) — and row totals likewise: never
    /// hidden, and never hidden to protect another figure, since hiding them from their reader
    /// protects nothing. Empty: none.
    pub known_cells: Vec<Vec<bool>>,
    pub known_row_totals: Vec<bool>,
}

/// What may be published of a [`Grid`]: `true` where the figure is hidden.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hidden {
    pub cells: Vec<Vec<bool>>,
    pub row_totals: Vec<bool>,
    pub column_totals: Vec<bool>,
    pub grand_total: bool,
}

/// A figure is small (to hide) when it counts someone but fewer than [`THRESHOLD`]; a zero is
/// published (it says nobody, which reveals no one).
pub fn small(n: u64) -> bool {
    n > 0 && n < THRESHOLD
}

impl Grid {
    /// A table whose totals are the sums of its cells, published as asked.
    pub fn summed(cells: Vec<Vec<u64>>, rows: bool, columns: bool, grand: bool) -> Self {
        let width = cells.first().map_or(0, Vec::len);
        let row_totals: Vec<u64> = cells.iter().map(|r| r.iter().sum()).collect();
        let column_totals = (0..width)
            .map(|c| cells.iter().map(|r| r[c]).sum())
            .collect();
        let grand_total = row_totals.iter().sum();
        Grid {
            cells,
            row_totals: rows.then_some(row_totals),
            column_totals: columns.then_some(column_totals),
            grand_total: grand.then_some(grand_total),
            known_cells: Vec::new(),
            known_row_totals: Vec::new(),
        }
    }
    fn rows(&self) -> usize {
        self.cells.len()
    }
    fn columns(&self) -> usize {
        self.cells.first().map_or(0, Vec::len)
    }

    /// Which figures to hide.
    pub fn suppress(&self) -> Hidden {
        let (rows, columns) = (self.rows(), self.columns());
        let mut lines = Lines::new(self);
        for (id, line) in lines.all.iter().enumerate() {
            if small(line.value) {
                lines.hidden[id] = true;
            }
        }
        // Close each bridge into a cycle until none is left. Each pass hides at least one more
        // figure (the path to a bridge has a published figure on it, or it would not be one),
        // so this ends.
        // One search for bridges serves a whole pass: a bridge that an earlier closing of the
        // pass already put on a cycle is joined by hidden figures only, which cost nothing, so
        // closing it again hides nothing more.
        let mut settled = vec![false; lines.all.len()];
        loop {
            let bridges: Vec<usize> = lines
                .bridges()
                .into_iter()
                .filter(|&b| !settled[b])
                .collect();
            if bridges.is_empty() {
                break;
            }
            for bridge in bridges {
                if !lines.close(bridge) {
                    // Only figures its reader knows connect its ends: it follows from them, so
                    // it tells that reader nothing new, and hiding it would protect nobody.
                    lines.hidden[bridge] = false;
                    settled[bridge] = true;
                }
            }
        }
        let mut out = Hidden {
            cells: vec![vec![false; columns]; rows],
            row_totals: vec![false; rows],
            column_totals: vec![false; columns],
            grand_total: false,
        };
        for (line, hidden) in lines.all.iter().zip(&lines.hidden) {
            if !hidden {
                continue;
            }
            match line.figure {
                Figure::Cell(r, c) => out.cells[r][c] = true,
                Figure::RowTotal(r) => out.row_totals[r] = true,
                Figure::ColumnTotal(c) => out.column_totals[c] = true,
                Figure::GrandTotal => out.grand_total = true,
            }
        }
        out
    }
}

#[derive(Debug, Clone, Copy)]
enum Figure {
    Cell(usize, usize),
    RowTotal(usize),
    ColumnTotal(usize),
    GrandTotal,
}

/// One published figure as a line between two points (see the module's comment).
#[derive(Debug, Clone, Copy)]
struct Line {
    figure: Figure,
    /// The points: rows are `0..rows`, the totals' row `rows`; columns follow; `FREE` last.
    a: usize,
    b: usize,
    value: u64,
}

struct Lines {
    all: Vec<Line>,
    hidden: Vec<bool>,
    points: usize,
}

impl Lines {
    fn new(grid: &Grid) -> Self {
        let (rows, columns) = (grid.rows(), grid.columns());
        // Points: the rows, the totals' row, the columns, the totals' column, and `free`. A row
        // constrains its cells only when its total is published; the totals' row when the
        // column totals and the grand total both are; likewise for columns.
        let free = rows + 1 + columns + 1;
        // With only the grand total published, it is the one sum: every cell and it meet at
        // one point (the first row's).
        let (has_rows, has_columns, has_grand) = (
            grid.row_totals.is_some(),
            grid.column_totals.is_some(),
            grid.grand_total.is_some(),
        );
        let only_grand = has_grand && !has_rows && !has_columns;
        let row = |r: usize| {
            if has_rows {
                r
            } else if only_grand {
                0
            } else {
                free
            }
        };
        let column = |c: usize| {
            if has_columns { rows + 1 + c } else { free }
        };
        let totals_row = if has_columns && has_grand { rows } else { free };
        let totals_column = if has_rows && has_grand {
            rows + 1 + columns
        } else {
            free
        };
        let mut all = Vec::new();
        // Figures the reader knows are left out: they are never hidden, and a path through
        // them protects nothing (and a table of a member's view is mostly zeros).
        let known_cell = |r: usize, c: usize| {
            grid.known_cells
                .get(r)
                .and_then(|row| row.get(c))
                .copied()
                .unwrap_or(false)
        };
        for r in 0..rows {
            for c in 0..columns {
                if known_cell(r, c) {
                    continue;
                }
                all.push(Line {
                    figure: Figure::Cell(r, c),
                    a: row(r),
                    b: column(c),
                    value: grid.cells[r][c],
                });
            }
        }
        for (r, &value) in grid.row_totals.iter().flatten().enumerate() {
            if grid.known_row_totals.get(r).copied().unwrap_or(false) {
                continue;
            }
            all.push(Line {
                figure: Figure::RowTotal(r),
                a: row(r),
                b: totals_column,
                value,
            });
        }
        for (c, &value) in grid.column_totals.iter().flatten().enumerate() {
            all.push(Line {
                figure: Figure::ColumnTotal(c),
                a: totals_row,
                b: column(c),
                value,
            });
        }
        if let Some(value) = grid.grand_total {
            all.push(Line {
                figure: Figure::GrandTotal,
                a: if only_grand { 0 } else { totals_row },
                b: totals_column,
                value,
            });
        }
        let hidden = vec![false; all.len()];
        Lines {
            all,
            hidden,
            points: free + 1,
        }
    }

    /// The hidden lines that lie on no cycle of hidden lines (Tarjan's bridges, by line so
    /// that two lines between the same points make a cycle).
    fn bridges(&self) -> Vec<usize> {
        let mut adjacent: Vec<Vec<(usize, usize)>> = vec![Vec::new(); self.points];
        for (id, line) in self.all.iter().enumerate() {
            if self.hidden[id] && line.a != line.b {
                adjacent[line.a].push((line.b, id));
                adjacent[line.b].push((line.a, id));
            }
        }
        let mut order = vec![usize::MAX; self.points];
        let mut low = vec![0; self.points];
        let mut bridges = Vec::new();
        let mut counter = 0;
        for start in 0..self.points {
            if order[start] != usize::MAX {
                continue;
            }
            // Depth-first, by hand: (point, the line it was reached by, next neighbour).
            let mut stack: Vec<(usize, usize, usize)> = vec![(start, usize::MAX, 0)];
            order[start] = counter;
            low[start] = counter;
            counter += 1;
            while let Some(&mut (p, via, ref mut next)) = stack.last_mut() {
                if let Some(&(q, id)) = adjacent[p].get(*next) {
                    *next += 1;
                    if id == via {
                        continue;
                    }
                    if order[q] == usize::MAX {
                        order[q] = counter;
                        low[q] = counter;
                        counter += 1;
                        stack.push((q, id, 0));
                    } else {
                        low[p] = low[p].min(order[q]);
                    }
                } else {
                    stack.pop();
                    if let Some(&(parent, _, _)) = stack.last() {
                        low[parent] = low[parent].min(low[p]);
                        if low[p] > order[parent] {
                            bridges.push(via);
                        }
                    }
                }
            }
        }
        bridges
    }

    /// Hides the cheapest path of published figures between the ends of `bridge`, which closes
    /// it into a cycle (so does every figure on the path). Figures already hidden cost nothing;
    /// a zero costs a little, so that hiding zeros (which hides nobody) is preferred to hiding
    /// counts. Returns false when no such path exists.
    fn close(&mut self, bridge: usize) -> bool {
        let (from, to) = (self.all[bridge].a, self.all[bridge].b);
        let mut adjacent: Vec<Vec<(usize, usize)>> = vec![Vec::new(); self.points];
        for (id, line) in self.all.iter().enumerate() {
            if id != bridge && line.a != line.b {
                adjacent[line.a].push((line.b, id));
                adjacent[line.b].push((line.a, id));
            }
        }
        let cost = |id: usize| -> u64 {
            if self.hidden[id] {
                0
            } else {
                self.all[id].value.max(1)
            }
        };
        let mut best = vec![u64::MAX; self.points];
        let mut came_by = vec![usize::MAX; self.points];
        let mut queue = std::collections::BinaryHeap::new();
        best[from] = 0;
        queue.push(std::cmp::Reverse((0u64, from)));
        while let Some(std::cmp::Reverse((d, p))) = queue.pop() {
            if d > best[p] {
                continue;
            }
            if p == to {
                break;
            }
            for &(q, id) in &adjacent[p] {
                let nd = d + cost(id);
                if nd < best[q] {
                    best[q] = nd;
                    came_by[q] = id;
                    queue.push(std::cmp::Reverse((nd, q)));
                }
            }
        }
        if best[to] == u64::MAX {
            return false;
        }
        let mut p = to;
        while p != from {
            let id = came_by[p];
            self.hidden[id] = true;
            let line = self.all[id];
            p = if line.a == p { line.b } else { line.a };
        }
        true
    }
}

/// Suppresses a list of counts published with their total: which counts to hide, and whether
/// the total is hidden too.
pub fn suppress_list(counts: &[u64], total: u64) -> (Vec<bool>, bool) {
    let hidden = Grid {
        cells: vec![counts.to_vec()],
        row_totals: Some(vec![total]),
        column_totals: None,
        grand_total: None,
        known_cells: Vec::new(),
        known_row_totals: Vec::new(),
    }
    .suppress();
    (hidden.cells[0].clone(), hidden.row_totals[0])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Whether the figure `k` of `grid` (numbered as cells row by row, then row totals, column
    /// totals, grand total) is determined by the published figures: worked out independently
    /// of the graph argument, by linear algebra on the table's equations.
    fn determined(grid: &Grid, hidden: &Hidden, k: usize) -> bool {
        let (rows, columns) = (grid.cells.len(), grid.cells[0].len());
        // Unknowns: the hidden figures, in the numbering above.
        let mut figures: Vec<bool> = hidden.cells.iter().flatten().copied().collect();
        let (has_rows, has_columns, has_grand) = (
            grid.row_totals.is_some(),
            grid.column_totals.is_some(),
            grid.grand_total.is_some(),
        );
        if has_rows {
            figures.extend(&hidden.row_totals);
        }
        if has_columns {
            figures.extend(&hidden.column_totals);
        }
        if has_grand {
            figures.push(hidden.grand_total);
        }
        let unknowns: Vec<usize> = (0..figures.len()).filter(|&i| figures[i]).collect();
        let index = |i: usize| unknowns.iter().position(|&u| u == i);
        // Equations as coefficient rows over all figures.
        let cell = |r: usize, c: usize| r * columns + c;
        let row_total = |r: usize| rows * columns + r;
        let offset_c = rows * columns + if has_rows { rows } else { 0 };
        let column_total = |c: usize| offset_c + c;
        let grand = offset_c + if has_columns { columns } else { 0 };
        let mut equations: Vec<Vec<(usize, f64)>> = Vec::new();
        if has_rows {
            for r in 0..rows {
                let mut e: Vec<(usize, f64)> = (0..columns).map(|c| (cell(r, c), 1.0)).collect();
                e.push((row_total(r), -1.0));
                equations.push(e);
            }
        }
        if has_columns {
            for c in 0..columns {
                let mut e: Vec<(usize, f64)> = (0..rows).map(|r| (cell(r, c), 1.0)).collect();
                e.push((column_total(c), -1.0));
                equations.push(e);
            }
        }
        if has_grand {
            let mut e: Vec<(usize, f64)> = if has_rows {
                (0..rows).map(|r| (row_total(r), 1.0)).collect()
            } else {
                (0..rows)
                    .flat_map(|r| (0..columns).map(move |c| (cell(r, c), 1.0)))
                    .collect()
            };
            e.push((grand, -1.0));
            equations.push(e);
            if has_rows && has_columns {
                let mut e: Vec<(usize, f64)> =
                    (0..columns).map(|c| (column_total(c), 1.0)).collect();
                e.push((grand, -1.0));
                equations.push(e);
            }
        }
        let matrix = |without: Option<usize>| -> Vec<Vec<f64>> {
            equations
                .iter()
                .map(|e| {
                    let mut row = vec![0.0; unknowns.len()];
                    for &(f, v) in e {
                        if let Some(i) = index(f).filter(|&i| Some(unknowns[i]) != without) {
                            row[i] += v;
                        }
                    }
                    row
                })
                .collect()
        };
        // `k` is determined when its column is not in the span of the other unknowns' columns.
        rank(matrix(None)) == rank(matrix(Some(k))) + 1
    }

    fn rank(mut m: Vec<Vec<f64>>) -> usize {
        let columns = m.first().map_or(0, Vec::len);
        let mut rank = 0;
        for c in 0..columns {
            let Some(p) = (rank..m.len()).find(|&r| m[r][c].abs() > 1e-9) else {
                continue;
            };
            m.swap(rank, p);
            let pivot = m[rank].clone();
            for (r, row) in m.iter_mut().enumerate() {
                if r != rank && row[c].abs() > 1e-9 {
                    let f = row[c] / pivot[c];
                    for (x, p) in row.iter_mut().zip(&pivot) {
                        *x -= f * p;
                    }
                }
            }
            rank += 1;
        }
        rank
    }

    fn hidden_figures(grid: &Grid, hidden: &Hidden) -> Vec<usize> {
        let mut flags: Vec<bool> = hidden.cells.iter().flatten().copied().collect();
        if grid.row_totals.is_some() {
            flags.extend(&hidden.row_totals);
        }
        if grid.column_totals.is_some() {
            flags.extend(&hidden.column_totals);
        }
        if grid.grand_total.is_some() {
            flags.push(hidden.grand_total);
        }
        (0..flags.len()).filter(|&i| flags[i]).collect()
    }

    fn grids() -> impl Strategy<Value = Grid> {
        (1usize..6, 1usize..6)
            .prop_flat_map(|(r, c)| {
                (
                    proptest::collection::vec(
                        proptest::collection::vec(
                            prop_oneof![3 => 0u64..1, 4 => 1u64..10, 3 => 10u64..200],
                            c,
                        ),
                        r,
                    ),
                    any::<bool>(),
                    any::<bool>(),
                    any::<bool>(),
                    // Now and then the reader knows one row (a member reading its own figures).
                    proptest::option::weighted(0.3, 0..r),
                )
            })
            .prop_map(|(cells, rows, columns, grand, known)| {
                let height = cells.len();
                let mut grid = Grid::summed(cells, rows, columns, grand);
                // The reader's row, if any, and every zero are known.
                grid.known_cells = grid
                    .cells
                    .iter()
                    .enumerate()
                    .map(|(r, row)| row.iter().map(|&v| Some(r) == known || v == 0).collect())
                    .collect();
                grid.known_row_totals = (0..height).map(|r| Some(r) == known).collect();
                grid
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        /// No hidden figure of a random small table can be worked out from what is published,
        /// and every small figure is hidden.
        #[test]
        fn a_hidden_figure_cannot_be_recovered_by_differences(grid in grids()) {
            let hidden = grid.suppress();
            for (r, row) in grid.cells.iter().enumerate() {
                // A small figure may be shown only where it follows from what its reader knows.
                let strict = !grid.known_row_totals.contains(&true);
                for (c, &v) in row.iter().enumerate() {
                    let known = grid.known_cells[r][c];
                    prop_assert!(!known || !hidden.cells[r][c], "a known cell hidden");
                    prop_assert!(!strict || !small(v) || hidden.cells[r][c], "small cell ({r},{c}) shown");
                }
            }
            for (r, &t) in grid.row_totals.iter().flatten().enumerate() {
                let strict = !grid.known_row_totals.contains(&true);
                prop_assert!(!strict || !small(t) || hidden.row_totals[r]);
            }
            for k in hidden_figures(&grid, &hidden) {
                prop_assert!(!determined(&grid, &hidden, k), "figure {k} recoverable: {grid:?} {hidden:?}");
            }
        }
    }

    #[test]
    fn one_small_cell_beside_a_total_takes_the_next_smallest_with_it() {
        let (cells, total) = suppress_list(&[120, 4, 35, 60], 219);
        assert_eq!(cells, [false, true, true, false]);
        assert!(!total);
    }

    #[test]
    fn a_table_with_no_small_cell_hides_nothing() {
        let grid = Grid::summed(vec![vec![10, 20], vec![30, 0]], true, true, true);
        let hidden = grid.suppress();
        assert!(hidden_figures(&grid, &hidden).is_empty());
    }
}
