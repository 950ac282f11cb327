//! Min-cost flow by the primal–dual method: Dijkstra on reduced costs finds the cheapest cost of
//! a path from the source to the sink, then a Dinic max-flow pushes as much as can go along all
//! paths of that cost at once. It stops when the cheapest path no longer lowers the total cost,
//! which gives the flow of least cost among all flow values (not the largest flow).
//!
//! Edges must run from a lower to a higher node index (the allocation's network is layered that
//! way), which lets the first potentials come from one pass in index order even though costs can
//! be negative. Costs are small integers, so the cheapest path cost rises by at least one each
//! phase and the number of phases is bounded by the range of costs.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Capacity that no flow reaches.
pub const UNBOUNDED: i64 = i64::MAX / 4;

pub struct Flow {
    nodes: usize,
    /// Edge `e` and its reverse `e ^ 1`.
    to: Vec<u32>,
    cap: Vec<i64>,
    cost: Vec<i64>,
    original: Vec<i64>,
    /// Edges leaving each node, in the order they were added (CSR, built by `solve`).
    start: Vec<u32>,
    adjacency: Vec<u32>,
}

impl Flow {
    pub fn new(nodes: usize) -> Self {
        Flow {
            nodes,
            to: Vec::new(),
            cap: Vec::new(),
            cost: Vec::new(),
            original: Vec::new(),
            start: Vec::new(),
            adjacency: Vec::new(),
        }
    }

    /// Adds an edge `from → to` and returns its id.
    pub fn add_edge(&mut self, from: usize, to: usize, cap: i64, cost: i64) -> usize {
        debug_assert!(from < to, "edges run forward");
        let id = self.to.len();
        self.to.extend([to as u32, from as u32]);
        self.cap.extend([cap, 0]);
        self.original.extend([cap, 0]);
        self.cost.extend([cost, -cost]);
        id
    }

    /// The flow on an edge returned by `add_edge`.
    pub fn flow(&self, edge: usize) -> i64 {
        self.original[edge] - self.cap[edge]
    }

    /// The edges leaving `node` (forward edges only), in the order they were added.
    pub fn out_edges(&self, node: usize) -> impl Iterator<Item = usize> + '_ {
        let range = self.start[node] as usize..self.start[node + 1] as usize;
        self.adjacency[range]
            .iter()
            .map(|&e| e as usize)
            .filter(|&e| e % 2 == 0)
    }

    /// The node an edge leads to.
    pub fn head(&self, edge: usize) -> usize {
        self.to[edge] as usize
    }

    fn from(&self, edge: usize) -> usize {
        self.to[edge ^ 1] as usize
    }

    fn build_adjacency(&mut self) {
        let mut count = vec![0u32; self.nodes + 1];
        for e in 0..self.to.len() {
            count[self.from(e) + 1] += 1;
        }
        for v in 0..self.nodes {
            count[v + 1] += count[v];
        }
        let mut next = count.clone();
        let mut adjacency = vec![0u32; self.to.len()];
        for e in 0..self.to.len() {
            let v = self.from(e);
            adjacency[next[v] as usize] = e as u32;
            next[v] += 1;
        }
        self.start = count;
        self.adjacency = adjacency;
    }

    /// Sends flow from `source` to `sink` while it lowers the total cost; returns the total cost.
    pub fn solve(&mut self, source: usize, sink: usize) -> i64 {
        self.build_adjacency();
        let n = self.nodes;
        // Shortest distances from the source on the forward DAG give valid first potentials.
        let mut potential = vec![UNBOUNDED; n];
        potential[source] = 0;
        for v in 0..n {
            if potential[v] == UNBOUNDED {
                continue;
            }
            for i in self.start[v]..self.start[v + 1] {
                let e = self.adjacency[i as usize] as usize;
                if self.cap[e] > 0 {
                    let w = self.to[e] as usize;
                    potential[w] = potential[w].min(potential[v] + self.cost[e]);
                }
            }
        }
        if potential[sink] >= 0 {
            return 0;
        }
        let mut total = 0i64;
        let mut distance = vec![UNBOUNDED; n];
        let mut heap = BinaryHeap::new();
        let mut level = vec![u32::MAX; n];
        let mut cursor = vec![0u32; n];
        let mut queue = Vec::with_capacity(n);
        let mut path: Vec<usize> = Vec::new();
        loop {
            // Dijkstra on reduced costs (non-negative by the potentials).
            distance.fill(UNBOUNDED);
            distance[source] = 0;
            heap.push(Reverse((0i64, source as u32)));
            while let Some(Reverse((d, v))) = heap.pop() {
                let v = v as usize;
                if d > distance[v] {
                    continue;
                }
                for i in self.start[v]..self.start[v + 1] {
                    let e = self.adjacency[i as usize] as usize;
                    if self.cap[e] == 0 {
                        continue;
                    }
                    let w = self.to[e] as usize;
                    let reduced = self.cost[e] + potential[v] - potential[w];
                    debug_assert!(reduced >= 0);
                    if d + reduced < distance[w] {
                        distance[w] = d + reduced;
                        heap.push(Reverse((d + reduced, w as u32)));
                    }
                }
            }
            if distance[sink] == UNBOUNDED {
                break;
            }
            for v in 0..n {
                if distance[v] != UNBOUNDED {
                    potential[v] += distance[v];
                }
            }
            let path_cost = potential[sink] - potential[source];
            if path_cost >= 0 {
                break;
            }
            // Dinic max-flow on the edges of zero reduced cost: all cheapest paths at once.
            let admissible = |flow: &Flow, e: usize, v: usize, w: usize| {
                flow.cap[e] > 0 && flow.cost[e] + potential[v] - potential[w] == 0
            };
            loop {
                level.fill(u32::MAX);
                level[source] = 0;
                queue.clear();
                queue.push(source);
                let mut head = 0;
                while head < queue.len() {
                    let v = queue[head];
                    head += 1;
                    for i in self.start[v]..self.start[v + 1] {
                        let e = self.adjacency[i as usize] as usize;
                        let w = self.to[e] as usize;
                        if level[w] == u32::MAX && admissible(self, e, v, w) {
                            level[w] = level[v] + 1;
                            queue.push(w);
                        }
                    }
                }
                if level[sink] == u32::MAX {
                    break;
                }
                cursor.copy_from_slice(&self.start[..n]);
                path.clear();
                let mut v = source;
                loop {
                    if v == sink {
                        let pushed = path.iter().map(|&e| self.cap[e]).min().expect("path");
                        total += pushed * path_cost;
                        let mut first_full = path.len();
                        for (k, &e) in path.iter().enumerate() {
                            self.cap[e] -= pushed;
                            self.cap[e ^ 1] += pushed;
                            if self.cap[e] == 0 && first_full == path.len() {
                                first_full = k;
                            }
                        }
                        path.truncate(first_full);
                        v = path.last().map_or(source, |&e| self.to[e] as usize);
                        continue;
                    }
                    let end = self.start[v + 1];
                    while cursor[v] < end {
                        let e = self.adjacency[cursor[v] as usize] as usize;
                        let w = self.to[e] as usize;
                        if level[w] == level[v] + 1 && admissible(self, e, v, w) {
                            break;
                        }
                        cursor[v] += 1;
                    }
                    if cursor[v] < end {
                        let e = self.adjacency[cursor[v] as usize] as usize;
                        path.push(e);
                        v = self.to[e] as usize;
                    } else {
                        // A dead end: no path goes on from here in this level graph.
                        level[v] = u32::MAX;
                        match path.pop() {
                            None => break,
                            Some(e) => {
                                v = self.from(e);
                                cursor[v] += 1;
                            }
                        }
                    }
                }
            }
        }
        total
    }
}
