//! One kind's allocation as a network, and its flow split back into offers and needs.
//!
//! Layers, each edge running to a later one:
//! source → offer class (place, reach; capacity: the class's units)
//!        → the need's markaz directly (cost 0), or the governorate's hub (cost 1, reach
//!          `Governorate` or wider), or the national hub (cost 3, reach `National`)
//! hub    → every markaz it covers (cost 0)
//! markaz → need class (priority) → sink (capacity: the class's units; cost: −priority).
//!
//! A route through a hub costs more than the pair's true cost only when a cheaper route exists
//! with unbounded capacity, so a least-cost flow never takes it, and units can be paired with
//! routes in any order at a hub. Offers or needs in an excluded pair are classes of their own;
//! such an offer bypasses the hubs with one edge, at its true cost, to each need class it may
//! serve.

use crate::flow::{Flow, UNBOUNDED};
use crate::{
    COST_ACROSS, COST_SAME_DISTRICT, COST_SAME_GOVERNORATE, Pair, Problem, Reach, transport_cost,
};
use std::collections::{HashMap, HashSet};

struct OfferClass {
    offers: Vec<usize>,
    /// The edge from the source.
    edge: usize,
}

struct NeedClass {
    needs: Vec<usize>,
    node: usize,
}

/// Solves one kind: `offers` and `needs` (indexes) all share it and have units left.
pub fn solve_category(
    problem: &Problem<'_>,
    offers: &[usize],
    needs: &[usize],
    offer_left: &[u64],
    need_left: &[u64],
) -> Vec<Pair> {
    let excluded: HashSet<(usize, usize)> = problem.exclusions.iter().copied().collect();
    let excluded_offers: HashSet<usize> = excluded.iter().map(|&(o, _)| o).collect();
    let excluded_needs: HashSet<usize> = excluded.iter().map(|&(_, n)| n).collect();

    // Classes, in order of first appearance.
    let mut offer_classes: Vec<Vec<usize>> = Vec::new();
    let mut offer_class_of = HashMap::new();
    for &o in offers {
        let offer = &problem.offers[o];
        if excluded_offers.contains(&o) {
            offer_classes.push(vec![o]);
            continue;
        }
        let key = (offer.place, offer.reach);
        let index = *offer_class_of.entry(key).or_insert_with(|| {
            offer_classes.push(Vec::new());
            offer_classes.len() - 1
        });
        offer_classes[index].push(o);
    }
    let mut markazes = Vec::new();
    let mut markaz_of = HashMap::new();
    let mut need_classes: Vec<Vec<usize>> = Vec::new();
    let mut need_class_markaz = Vec::new();
    let mut need_class_of = HashMap::new();
    for &j in needs {
        let need = &problem.needs[j];
        let markaz = *markaz_of.entry(need.place).or_insert_with(|| {
            markazes.push(need.place);
            markazes.len() - 1
        });
        if excluded_needs.contains(&j) {
            need_classes.push(vec![j]);
            need_class_markaz.push(markaz);
            continue;
        }
        let index = *need_class_of
            .entry((markaz, need.priority))
            .or_insert_with(|| {
                need_classes.push(Vec::new());
                need_class_markaz.push(markaz);
                need_classes.len() - 1
            });
        need_classes[index].push(j);
    }
    let mut governorates: Vec<u32> = markazes.iter().map(|p| p.governorate).collect();
    governorates.sort_unstable();
    governorates.dedup();

    // Node numbers, layer by layer.
    let source = 0;
    let first_offer_class = 1;
    let first_hub = first_offer_class + offer_classes.len();
    let national = first_hub + governorates.len();
    let first_markaz = national + 1;
    let first_need_class = first_markaz + markazes.len();
    let sink = first_need_class + need_classes.len();
    let mut flow = Flow::new(sink + 1);

    let units = |items: &[usize], left: &[u64]| items.iter().map(|&i| left[i] as i64).sum::<i64>();
    let mut classes = Vec::with_capacity(offer_classes.len());
    for (c, members) in offer_classes.into_iter().enumerate() {
        let node = first_offer_class + c;
        let edge = flow.add_edge(source, node, units(&members, offer_left), 0);
        let offer = &problem.offers[members[0]];
        if excluded_offers.contains(&members[0]) {
            let o = members[0];
            for (k, class) in need_classes.iter().enumerate() {
                let j = class[0];
                if excluded.contains(&(o, j)) {
                    continue;
                }
                if let Some(cost) = transport_cost(offer, &problem.needs[j]) {
                    flow.add_edge(node, first_need_class + k, UNBOUNDED, cost);
                }
            }
        } else {
            if offer.place.district.is_some()
                && let Some(&m) = markaz_of.get(&offer.place)
            {
                flow.add_edge(node, first_markaz + m, UNBOUNDED, COST_SAME_DISTRICT);
            }
            if offer.reach >= Reach::Governorate
                && let Ok(g) = governorates.binary_search(&offer.place.governorate)
            {
                flow.add_edge(node, first_hub + g, UNBOUNDED, COST_SAME_GOVERNORATE);
            }
            if offer.reach == Reach::National {
                flow.add_edge(node, national, UNBOUNDED, COST_ACROSS);
            }
        }
        classes.push(OfferClass {
            offers: members,
            edge,
        });
    }
    for (m, place) in markazes.iter().enumerate() {
        let g = governorates
            .binary_search(&place.governorate)
            .expect("listed");
        flow.add_edge(first_hub + g, first_markaz + m, UNBOUNDED, 0);
    }
    for m in 0..markazes.len() {
        flow.add_edge(national, first_markaz + m, UNBOUNDED, 0);
    }
    let mut need_nodes = Vec::with_capacity(need_classes.len());
    for (k, members) in need_classes.into_iter().enumerate() {
        let node = first_need_class + k;
        flow.add_edge(first_markaz + need_class_markaz[k], node, UNBOUNDED, 0);
        let priority = i64::from(problem.needs[members[0]].priority);
        flow.add_edge(node, sink, units(&members, need_left), -priority);
        need_nodes.push(NeedClass {
            needs: members,
            node,
        });
    }
    let cost = flow.solve(source, sink);

    // Split the flow back: each node passes the units it received, labelled by offer, on to its
    // edges in order; a need class hands them to its needs in input order.
    let mut inbox: Vec<Vec<(usize, i64)>> = vec![Vec::new(); sink + 1];
    for (c, class) in classes.iter().enumerate() {
        let mut units = flow.flow(class.edge);
        for &o in &class.offers {
            let take = units.min(offer_left[o] as i64);
            if take > 0 {
                inbox[first_offer_class + c].push((o, take));
                units -= take;
            }
        }
    }
    for node in first_offer_class..first_need_class {
        let received = std::mem::take(&mut inbox[node]);
        let mut chunks = received.into_iter();
        let mut chunk = chunks.next();
        for e in flow.out_edges(node) {
            let mut wanted = flow.flow(e);
            let target = flow.head(e);
            while wanted > 0 {
                let (o, have) = chunk.as_mut().expect("flow is conserved");
                let take = wanted.min(*have);
                inbox[target].push((*o, take));
                *have -= take;
                wanted -= take;
                if *have == 0 {
                    chunk = chunks.next();
                }
            }
        }
    }
    let mut pairs = Vec::new();
    for class in &need_nodes {
        let received = std::mem::take(&mut inbox[class.node]);
        let mut chunks = received.into_iter();
        let mut chunk = chunks.next();
        for &j in &class.needs {
            let mut wanted = need_left[j] as i64;
            while wanted > 0 {
                let Some((o, have)) = chunk.as_mut() else {
                    break;
                };
                let take = wanted.min(*have);
                pairs.push(Pair {
                    offer: *o,
                    need: j,
                    quantity: take as u64,
                });
                *have -= take;
                wanted -= take;
                if *have == 0 {
                    chunk = chunks.next();
                }
            }
        }
    }
    debug_assert_eq!(
        pairs
            .iter()
            .map(|p| {
                let (o, n) = (&problem.offers[p.offer], &problem.needs[p.need]);
                (i64::from(n.priority) - transport_cost(o, n).expect("allowed")) * p.quantity as i64
            })
            .sum::<i64>(),
        -cost,
        "the split flow scores what the flow costs"
    );
    pairs
}
