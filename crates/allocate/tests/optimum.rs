//! The allocation is the best under the rules: on random instances its score equals what an
//! exhaustive search (tiny instances) or an independent LP solver (larger ones) finds, and it
//! never breaks a rule.

use allocate::{
    Allocation, Limit, Need, Offer, Pair, Place, Problem, Reach, solve, transport_cost, unit_score,
};
use good_lp::{Expression, ProblemVariables, Solution, SolverModel, Variable, microlp, variable};
use proptest::prelude::*;

fn place() -> impl Strategy<Value = Place> {
    (0u32..3, proptest::option::weighted(0.8, 0u32..2)).prop_map(|(governorate, district)| Place {
        governorate,
        district,
    })
}

fn reach() -> impl Strategy<Value = Reach> {
    prop_oneof![
        Just(Reach::District),
        Just(Reach::Governorate),
        Just(Reach::National)
    ]
}

fn offer(max_quantity: u64) -> impl Strategy<Value = Offer> {
    (0u32..2, place(), reach(), 0..=max_quantity).prop_map(|(category, place, reach, quantity)| {
        Offer {
            category,
            place,
            reach,
            quantity,
        }
    })
}

/// Priorities from 1 so that some units score zero or less (priority ≤ transport cost).
fn need(max_quantity: u64, max_priority: u32) -> impl Strategy<Value = Need> {
    (0u32..2, place(), 1..=max_priority, 0..=max_quantity).prop_map(
        |(category, place, priority, quantity)| Need {
            category,
            place,
            priority,
            quantity,
        },
    )
}

/// Every rule holds and the figures agree with the pairs.
fn check_rules(problem: &Problem<'_>, allocation: &Allocation) {
    let mut given = vec![0u64; problem.offers.len()];
    let mut received = vec![0u64; problem.needs.len()];
    let mut score = 0i64;
    for (k, pair) in allocation.pairs.iter().enumerate() {
        assert!(pair.quantity > 0, "only positive pairs are listed");
        if k > 0 {
            let before = &allocation.pairs[k - 1];
            assert!(
                (before.offer, before.need) < (pair.offer, pair.need),
                "sorted, once each"
            );
        }
        let (offer, need) = (&problem.offers[pair.offer], &problem.needs[pair.need]);
        let unit = unit_score(offer, need).expect("same kind, within reach");
        assert!(
            !problem.exclusions.contains(&(pair.offer, pair.need)),
            "excluded pair allocated"
        );
        given[pair.offer] += pair.quantity;
        received[pair.need] += pair.quantity;
        score += unit * pair.quantity as i64;
    }
    for (i, offer) in problem.offers.iter().enumerate() {
        assert!(given[i] <= offer.quantity, "offer {i} exceeded");
        assert_eq!(allocation.offer_left[i], offer.quantity - given[i]);
    }
    for (j, need) in problem.needs.iter().enumerate() {
        assert!(received[j] <= need.quantity, "need {j} exceeded");
        assert_eq!(allocation.need_left[j], need.quantity - received[j]);
    }
    for pin in problem.pins {
        let got = allocation
            .pairs
            .iter()
            .find(|p| (p.offer, p.need) == (pin.offer, pin.need))
            .map_or(0, |p| p.quantity);
        assert!(got >= pin.quantity, "a pin was not kept");
    }
    assert_eq!(allocation.score, score);
    // Every pair has a reason why no more went there (this asserts optimality in debug builds).
    for o in 0..problem.offers.len() {
        for n in 0..problem.needs.len() {
            let limit = allocation.limit(problem, o, n);
            if transport_cost(&problem.offers[o], &problem.needs[n]).is_none() {
                assert_eq!(limit, Limit::NotAllowed);
            }
        }
    }
}

/// The best score by trying every allocation.
fn exhaustive(problem: &Problem<'_>) -> i64 {
    let mut pairs = Vec::new();
    for (o, offer) in problem.offers.iter().enumerate() {
        for (n, need) in problem.needs.iter().enumerate() {
            if let Some(unit) = unit_score(offer, need)
                && !problem.exclusions.contains(&(o, n))
            {
                pairs.push((o, n, unit));
            }
        }
    }
    let mut offer_left: Vec<u64> = problem.offers.iter().map(|o| o.quantity).collect();
    let mut need_left: Vec<u64> = problem.needs.iter().map(|n| n.quantity).collect();
    let mut pinned = 0;
    for pin in problem.pins {
        offer_left[pin.offer] -= pin.quantity;
        need_left[pin.need] -= pin.quantity;
        pinned += pin.quantity as i64
            * unit_score(&problem.offers[pin.offer], &problem.needs[pin.need]).unwrap();
    }
    fn best(pairs: &[(usize, usize, i64)], offer_left: &mut [u64], need_left: &mut [u64]) -> i64 {
        let Some((&(o, n, unit), rest)) = pairs.split_first() else {
            return 0;
        };
        let most = offer_left[o].min(need_left[n]);
        let mut top = i64::MIN;
        for q in 0..=most {
            offer_left[o] -= q;
            need_left[n] -= q;
            top = top.max(q as i64 * unit + best(rest, offer_left, need_left));
            offer_left[o] += q;
            need_left[n] += q;
        }
        top
    }
    pinned + best(&pairs, &mut offer_left, &mut need_left)
}

/// The best score by the transport LP, solved by microlp (an independent simplex solver). The
/// constraint matrix is totally unimodular, so the LP optimum is already whole.
fn linear_program(problem: &Problem<'_>) -> i64 {
    let mut vars = ProblemVariables::new();
    let mut terms: Vec<(usize, usize, i64, Variable)> = Vec::new();
    for (o, offer) in problem.offers.iter().enumerate() {
        for (n, need) in problem.needs.iter().enumerate() {
            if let Some(unit) = unit_score(offer, need)
                && !problem.exclusions.contains(&(o, n))
            {
                let pinned: u64 = problem
                    .pins
                    .iter()
                    .filter(|p| (p.offer, p.need) == (o, n))
                    .map(|p| p.quantity)
                    .sum();
                terms.push((o, n, unit, vars.add(variable().min(pinned as f64))));
            }
        }
    }
    if terms.is_empty() {
        return 0;
    }
    let objective: Expression = terms.iter().map(|&(_, _, u, v)| u as f64 * v).sum();
    let mut model = vars.maximise(objective.clone()).using(microlp);
    for (o, offer) in problem.offers.iter().enumerate() {
        let out: Expression = terms.iter().filter(|t| t.0 == o).map(|t| t.3).sum();
        model = model.with(out.leq(offer.quantity as f64));
    }
    for (n, need) in problem.needs.iter().enumerate() {
        let into: Expression = terms.iter().filter(|t| t.1 == n).map(|t| t.3).sum();
        model = model.with(into.leq(need.quantity as f64));
    }
    let solution = model
        .solve()
        .expect("feasible: pins come from a valid allocation");
    solution.eval(&objective).round() as i64
}

/// Pins and exclusions drawn from a first allocation, so that pins are always feasible.
fn with_choices(
    offers: &[Offer],
    needs: &[Need],
    picks: &[(usize, bool)],
) -> (Vec<Pair>, Vec<(usize, usize)>) {
    let first = solve(&Problem {
        offers,
        needs,
        ..Problem::default()
    })
    .unwrap();
    let mut pins = Vec::new();
    let mut exclusions = Vec::new();
    for &(pick, pin) in picks {
        // Pin part of an allocated pair, or exclude a pair (allocated or merely allowed).
        if pin && !first.pairs.is_empty() {
            let p = first.pairs[pick % first.pairs.len()];
            let taken = pins
                .iter()
                .any(|q: &Pair| (q.offer, q.need) == (p.offer, p.need));
            if !taken && !exclusions.contains(&(p.offer, p.need)) {
                pins.push(Pair {
                    quantity: p.quantity.div_ceil(2),
                    ..p
                });
            }
        } else if !offers.is_empty() && !needs.is_empty() {
            let pair = (pick % offers.len(), (pick / offers.len()) % needs.len());
            if !pins.iter().any(|q| (q.offer, q.need) == pair) {
                exclusions.push(pair);
            }
        }
    }
    (pins, exclusions)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn tiny_instances_match_exhaustive_search(
        offers in proptest::collection::vec(offer(3), 0..=3),
        needs in proptest::collection::vec(need(3, 6), 0..=3),
        picks in proptest::collection::vec((0usize..64, any::<bool>()), 0..=2),
    ) {
        let (pins, exclusions) = with_choices(&offers, &needs, &picks);
        let problem = Problem { offers: &offers, needs: &needs, pins: &pins, exclusions: &exclusions };
        let allocation = solve(&problem).unwrap();
        check_rules(&problem, &allocation);
        prop_assert_eq!(allocation.score, exhaustive(&problem));
        prop_assert_eq!(&solve(&problem).unwrap(), &allocation, "deterministic");
    }

    #[test]
    fn larger_instances_match_the_linear_program(
        offers in proptest::collection::vec(offer(40), 1..=12),
        needs in proptest::collection::vec(need(25, 100), 1..=30),
        picks in proptest::collection::vec((0usize..1000, any::<bool>()), 0..=4),
    ) {
        let (pins, exclusions) = with_choices(&offers, &needs, &picks);
        let problem = Problem { offers: &offers, needs: &needs, pins: &pins, exclusions: &exclusions };
        let allocation = solve(&problem).unwrap();
        check_rules(&problem, &allocation);
        prop_assert_eq!(allocation.score, linear_program(&problem));
    }
}

#[test]
fn the_rules_of_reach_and_cost() {
    let minya_a = Place {
        governorate: 1,
        district: Some(1),
    };
    let minya_b = Place {
        governorate: 1,
        district: Some(2),
    };
    let minya_unknown = Place {
        governorate: 1,
        district: None,
    };
    let aswan = Place {
        governorate: 2,
        district: Some(1),
    };
    let offer = |place, reach| Offer {
        category: 0,
        place,
        reach,
        quantity: 1,
    };
    let need = |place| Need {
        category: 0,
        place,
        priority: 50,
        quantity: 1,
    };
    let cost = |o, n| transport_cost(&o, &n);
    assert_eq!(
        cost(offer(minya_a, Reach::District), need(minya_a)),
        Some(0)
    );
    assert_eq!(cost(offer(minya_a, Reach::District), need(minya_b)), None);
    assert_eq!(
        cost(offer(minya_a, Reach::Governorate), need(minya_b)),
        Some(1)
    );
    assert_eq!(cost(offer(minya_a, Reach::Governorate), need(aswan)), None);
    assert_eq!(cost(offer(minya_a, Reach::National), need(aswan)), Some(3));
    // The same markaz id in another governorate is another markaz.
    assert_eq!(cost(offer(aswan, Reach::National), need(minya_a)), Some(3));
    // An unknown markaz is never "the same markaz".
    assert_eq!(
        cost(offer(minya_unknown, Reach::District), need(minya_unknown)),
        None
    );
    assert_eq!(
        cost(
            offer(minya_unknown, Reach::Governorate),
            need(minya_unknown)
        ),
        Some(1)
    );
    let other_kind = Need {
        category: 1,
        ..need(minya_a)
    };
    assert_eq!(cost(offer(minya_a, Reach::National), other_kind), None);
}

#[test]
fn the_most_in_need_come_first_and_nearer_wins_ties() {
    let g = |governorate, district| Place {
        governorate,
        district: Some(district),
    };
    let offers = [Offer {
        category: 0,
        place: g(1, 1),
        reach: Reach::National,
        quantity: 10,
    }];
    let needs = [
        // Far but most in need: 90 − 3 = 87 a unit.
        Need {
            category: 0,
            place: g(2, 1),
            priority: 90,
            quantity: 4,
        },
        // Near, less in need: 60 a unit.
        Need {
            category: 0,
            place: g(1, 1),
            priority: 60,
            quantity: 4,
        },
        // Priority 3 across governorates scores 0: not worth moving.
        Need {
            category: 0,
            place: g(3, 1),
            priority: 3,
            quantity: 5,
        },
        // Priority 2 in the governorate scores 1.
        Need {
            category: 0,
            place: g(1, 2),
            priority: 2,
            quantity: 5,
        },
    ];
    let problem = Problem {
        offers: &offers,
        needs: &needs,
        ..Problem::default()
    };
    let allocation = solve(&problem).unwrap();
    let quantities: Vec<(usize, u64)> = allocation
        .pairs
        .iter()
        .map(|p| (p.need, p.quantity))
        .collect();
    assert_eq!(quantities, vec![(0, 4), (1, 4), (3, 2)]);
    assert_eq!(allocation.score, 4 * 87 + 4 * 60 + 2);
    assert_eq!(allocation.limit(&problem, 0, 0), Limit::NeedMet);
    assert_eq!(allocation.limit(&problem, 0, 3), Limit::OfferSpent);
}

#[test]
fn bad_problems_are_refused() {
    let place = Place {
        governorate: 0,
        district: Some(0),
    };
    let offers = [Offer {
        category: 0,
        place,
        reach: Reach::District,
        quantity: 2,
    }];
    let needs = [Need {
        category: 0,
        place,
        priority: 10,
        quantity: 1,
    }];
    let with = |pins: &[Pair], exclusions: &[(usize, usize)]| {
        solve(&Problem {
            offers: &offers,
            needs: &needs,
            pins,
            exclusions,
        })
    };
    let pin = |quantity| Pair {
        offer: 0,
        need: 0,
        quantity,
    };
    assert_eq!(
        with(&[pin(2)], &[]).unwrap_err(),
        allocate::Error::PinsExceedNeed { need: 0 }
    );
    assert_eq!(
        with(&[pin(1)], &[(0, 0)]).unwrap_err(),
        allocate::Error::PinExcluded { offer: 0, need: 0 }
    );
    assert_eq!(
        with(&[Pair { need: 5, ..pin(1) }], &[]).unwrap_err(),
        allocate::Error::UnknownIndex
    );
    let zero = [Need {
        priority: 0,
        ..needs[0]
    }];
    assert!(matches!(
        solve(&Problem {
            offers: &offers,
            needs: &zero,
            ..Problem::default()
        }),
        Err(allocate::Error::PriorityOutOfRange { need: 0 })
    ));
    let huge = [Offer {
        quantity: allocate::MAX_QUANTITY + 1,
        ..offers[0]
    }];
    assert!(matches!(
        solve(&Problem {
            offers: &huge,
            needs: &needs,
            ..Problem::default()
        }),
        Err(allocate::Error::QuantityTooLarge { .. })
    ));
}
