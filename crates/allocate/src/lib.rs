//! The resource pool's allocation: members' offers go to needs so that the total score is the
//! best possible under the alliance's published rules.
//!
//! # The rules
//! * An offer serves a need only of the same kind (`category`) and within the offer's [`Reach`]:
//!   `District` — the same governorate and markaz; `Governorate` — the same governorate;
//!   `National` — anywhere.
//! * Allocations are whole units; neither an offer's nor a need's quantity is exceeded.
//! * Each unit scores the need's priority less the transport cost ([`transport_cost`]): 0 within
//!   the same markaz, 1 within the same governorate, 3 across governorates.
//! * The allocation maximises the total score. A unit that would score zero or less is not
//!   allocated (it cannot raise the total), unless the secretariat pinned it.
//! * Pinned pairs are allocated first, as given; excluded pairs get nothing.
//! * Ties between allocations of equal score are broken deterministically — by the order in
//!   which classes of offers (place and reach) and of needs (place and priority) first appear in
//!   the input, then by input order within a class: the same inputs always give the same
//!   allocation.
//!
//! # How it is solved
//! This is a transportation problem. Offers that share kind, place and reach are interchangeable,
//! as are needs that share kind, place and priority, so each kind becomes a small network of such
//! classes joined through one hub per governorate and one national hub (see [`network`]), and a
//! min-cost flow solves it exactly ([`flow`]). The flow is then split back into offers and needs
//! in input order. Places are ids chosen by the caller: the caller normalises names.

mod flow;
mod network;

/// How far an offer can travel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reach {
    /// The same governorate and markaz.
    District,
    /// The same governorate.
    Governorate,
    /// Anywhere.
    National,
}

/// Where an offer or a need is. `district` is a markaz within `governorate`; `None` when not
/// known, which never counts as "the same markaz".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Place {
    pub governorate: u32,
    pub district: Option<u32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Offer {
    pub category: u32,
    pub place: Place,
    pub reach: Reach,
    pub quantity: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Need {
    pub category: u32,
    pub place: Place,
    /// 1–100: higher is more in need.
    pub priority: u32,
    pub quantity: u64,
}

/// Units of one offer given to one need (indexes into the problem's slices).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pair {
    pub offer: usize,
    pub need: usize,
    pub quantity: u64,
}

/// The largest quantity one offer or need may carry: sums over a million rows stay far inside
/// 64 bits, and so does the score.
pub const MAX_QUANTITY: u64 = 1_000_000_000;
/// The highest priority a need may have.
pub const MAX_PRIORITY: u32 = 100;

/// Transport cost of a unit within the same markaz.
pub const COST_SAME_DISTRICT: i64 = 0;
/// Transport cost of a unit to another markaz of the same governorate.
pub const COST_SAME_GOVERNORATE: i64 = 1;
/// Transport cost of a unit to another governorate.
pub const COST_ACROSS: i64 = 3;

/// The cost of moving one unit of `offer` to `need`, or `None` when the offer cannot serve it
/// (another kind, or outside its reach).
pub fn transport_cost(offer: &Offer, need: &Need) -> Option<i64> {
    if offer.category != need.category {
        return None;
    }
    let same_governorate = offer.place.governorate == need.place.governorate;
    let same_district = same_governorate
        && offer.place.district.is_some()
        && offer.place.district == need.place.district;
    let cost = if same_district {
        COST_SAME_DISTRICT
    } else if same_governorate {
        COST_SAME_GOVERNORATE
    } else {
        COST_ACROSS
    };
    let reaches = match offer.reach {
        Reach::District => same_district,
        Reach::Governorate => same_governorate,
        Reach::National => true,
    };
    reaches.then_some(cost)
}

/// The score of one unit of `offer` given to `need`: the need's priority less the transport cost.
pub fn unit_score(offer: &Offer, need: &Need) -> Option<i64> {
    transport_cost(offer, need).map(|cost| i64::from(need.priority) - cost)
}

/// What the allocation is asked to solve.
#[derive(Clone, Copy, Debug, Default)]
pub struct Problem<'a> {
    pub offers: &'a [Offer],
    pub needs: &'a [Need],
    /// Pairs the secretariat fixed: allocated first, exactly as given.
    pub pins: &'a [Pair],
    /// Pairs (offer, need) that must get nothing.
    pub exclusions: &'a [(usize, usize)],
}

/// Why an input cannot be solved. Indexes are into the problem's slices.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    QuantityTooLarge {
        offer: Option<usize>,
        need: Option<usize>,
    },
    PriorityOutOfRange {
        need: usize,
    },
    UnknownIndex,
    /// A pin joins an offer and a need that the rules do not allow together.
    PinNotAllowed {
        offer: usize,
        need: usize,
    },
    /// A pin is also excluded.
    PinExcluded {
        offer: usize,
        need: usize,
    },
    /// Pins give an offer more than it has.
    PinsExceedOffer {
        offer: usize,
    },
    /// Pins give a need more than it asks.
    PinsExceedNeed {
        need: usize,
    },
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::QuantityTooLarge { .. } => {
                write!(f, "a quantity is larger than {MAX_QUANTITY}")
            }
            Error::PriorityOutOfRange { .. } => {
                write!(f, "a priority is outside 1–{MAX_PRIORITY}")
            }
            Error::UnknownIndex => write!(f, "a pin or exclusion names no offer or need"),
            Error::PinNotAllowed { .. } => {
                write!(f, "a pinned offer cannot serve its need (kind or reach)")
            }
            Error::PinExcluded { .. } => write!(f, "a pair is both pinned and excluded"),
            Error::PinsExceedOffer { .. } => write!(f, "pins give an offer more than it has"),
            Error::PinsExceedNeed { .. } => write!(f, "pins give a need more than it asks"),
        }
    }
}

impl std::error::Error for Error {}

/// The result: pairs sorted by offer then need, the total score, and what is left over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Allocation {
    pub pairs: Vec<Pair>,
    pub score: i64,
    /// Per offer: units not allocated.
    pub offer_left: Vec<u64>,
    /// Per need: units not met.
    pub need_left: Vec<u64>,
}

/// What stopped more of an offer going to a need.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// Another kind, or outside the offer's reach.
    NotAllowed,
    /// The secretariat excluded the pair.
    Excluded,
    /// The need is met in full.
    NeedMet,
    /// The offer is given out in full.
    OfferSpent,
    /// A unit would score zero or less: it cannot raise the total.
    NotWorthwhile,
}

impl Allocation {
    /// Why no more of `offer` went to `need`. In an optimal allocation one of these always holds:
    /// if both still had units left and a unit scored above zero, one more unit would raise the
    /// total.
    pub fn limit(&self, problem: &Problem<'_>, offer: usize, need: usize) -> Limit {
        let Some(score) = unit_score(&problem.offers[offer], &problem.needs[need]) else {
            return Limit::NotAllowed;
        };
        if problem.exclusions.contains(&(offer, need)) {
            Limit::Excluded
        } else if self.need_left[need] == 0 {
            Limit::NeedMet
        } else if self.offer_left[offer] == 0 {
            Limit::OfferSpent
        } else {
            debug_assert!(score <= 0, "an improving unit was left: not optimal");
            Limit::NotWorthwhile
        }
    }
}

/// Checks the problem, then finds the allocation of the best total score.
pub fn solve(problem: &Problem<'_>) -> Result<Allocation, Error> {
    validate(problem)?;
    let mut offer_left: Vec<u64> = problem.offers.iter().map(|o| o.quantity).collect();
    let mut need_left: Vec<u64> = problem.needs.iter().map(|n| n.quantity).collect();
    let mut pairs = Vec::new();
    for pin in problem.pins {
        let (offer, need) = (&problem.offers[pin.offer], &problem.needs[pin.need]);
        unit_score(offer, need).ok_or(Error::PinNotAllowed {
            offer: pin.offer,
            need: pin.need,
        })?;
        if problem.exclusions.contains(&(pin.offer, pin.need)) {
            return Err(Error::PinExcluded {
                offer: pin.offer,
                need: pin.need,
            });
        }
        offer_left[pin.offer] = offer_left[pin.offer]
            .checked_sub(pin.quantity)
            .ok_or(Error::PinsExceedOffer { offer: pin.offer })?;
        need_left[pin.need] = need_left[pin.need]
            .checked_sub(pin.quantity)
            .ok_or(Error::PinsExceedNeed { need: pin.need })?;
        if pin.quantity > 0 {
            pairs.push(*pin);
        }
    }
    let mut categories: Vec<u32> = problem.offers.iter().map(|o| o.category).collect();
    categories.sort_unstable();
    categories.dedup();
    let mut offers_of = vec![Vec::new(); categories.len()];
    for (i, offer) in problem.offers.iter().enumerate() {
        if offer_left[i] > 0 {
            let c = categories.binary_search(&offer.category).expect("listed");
            offers_of[c].push(i);
        }
    }
    let mut needs_of = vec![Vec::new(); categories.len()];
    for (j, need) in problem.needs.iter().enumerate() {
        if need_left[j] > 0
            && let Ok(c) = categories.binary_search(&need.category)
        {
            needs_of[c].push(j);
        }
    }
    for (offers, needs) in offers_of.iter().zip(&needs_of) {
        if offers.is_empty() || needs.is_empty() {
            continue;
        }
        let found = network::solve_category(problem, offers, needs, &offer_left, &need_left);
        for pair in &found {
            offer_left[pair.offer] -= pair.quantity;
            need_left[pair.need] -= pair.quantity;
        }
        pairs.extend(found);
    }
    pairs.sort_unstable_by_key(|p| (p.offer, p.need));
    pairs.dedup_by(|later, kept| {
        let same = later.offer == kept.offer && later.need == kept.need;
        if same {
            kept.quantity += later.quantity;
        }
        same
    });
    let score = pairs
        .iter()
        .map(|p| {
            let unit = unit_score(&problem.offers[p.offer], &problem.needs[p.need]);
            unit.expect("only allowed pairs are allocated") * p.quantity as i64
        })
        .sum();
    Ok(Allocation {
        pairs,
        score,
        offer_left,
        need_left,
    })
}

fn validate(problem: &Problem<'_>) -> Result<(), Error> {
    for (i, offer) in problem.offers.iter().enumerate() {
        if offer.quantity > MAX_QUANTITY {
            return Err(Error::QuantityTooLarge {
                offer: Some(i),
                need: None,
            });
        }
    }
    for (j, need) in problem.needs.iter().enumerate() {
        if need.quantity > MAX_QUANTITY {
            return Err(Error::QuantityTooLarge {
                offer: None,
                need: Some(j),
            });
        }
        if need.priority == 0 || need.priority > MAX_PRIORITY {
            return Err(Error::PriorityOutOfRange { need: j });
        }
    }
    let (offers, needs) = (problem.offers.len(), problem.needs.len());
    let pins = problem.pins.iter().map(|p| (p.offer, p.need));
    if pins
        .chain(problem.exclusions.iter().copied())
        .any(|(o, n)| o >= offers || n >= needs)
    {
        return Err(Error::UnknownIndex);
    }
    if problem.pins.iter().any(|p| p.quantity > MAX_QUANTITY) {
        return Err(Error::QuantityTooLarge {
            offer: None,
            need: None,
        });
    }
    Ok(())
}
