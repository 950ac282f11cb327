//! Coverage ("خريطة الخير"): for a kind of assistance and a period, need against aid in every
//! place — households registered, households most in need (the registry's own priority score,
//! top quarter), households assisted, households assisted by two members or more, how many
//! members work there, and the most-in-need households nobody assisted. Places served by
//! several members for the same kind and places with registered need that nobody served are
//! what the secretariat looks for. Counts only: the page is the secretariat's.

use super::fourw::given;
use super::{Level, Place, Places};
use crate::db::Db;
use crate::error::Result;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// What to show.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// A kind of assistance's code; `None`: every kind.
    pub category: Option<String>,
    /// Inclusive ISO dates.
    pub from: String,
    pub to: String,
    pub level: Level,
}

/// One place's figures.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Row {
    pub place: Place,
    pub registered: u64,
    pub neediest: u64,
    pub assisted: u64,
    /// Households assisted with the kind by two members or more.
    pub twice: u64,
    pub members: u64,
    /// Most-in-need households that nobody assisted with the kind.
    pub unserved_need: u64,
}

impl Row {
    /// The share of the most-in-need households nobody assisted (0 when none is registered).
    pub fn unserved_share(&self) -> f64 {
        if self.neediest == 0 {
            0.0
        } else {
            self.unserved_need as f64 / self.neediest as f64
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Coverage {
    /// Every governorate with registrations or aid, by code.
    pub governorates: Vec<Row>,
    /// The places at the query's level, the most unserved need first.
    pub rows: Vec<Row>,
    pub total: Row,
}

#[derive(Default)]
struct Tally {
    registered: HashSet<i64>,
    neediest: HashSet<i64>,
    assisted: HashMap<i64, HashSet<i64>>,
    members: HashSet<i64>,
}

impl Tally {
    fn row(&self, place: Place) -> Row {
        Row {
            place,
            registered: self.registered.len() as u64,
            neediest: self.neediest.len() as u64,
            assisted: self.assisted.len() as u64,
            twice: self.assisted.values().filter(|o| o.len() >= 2).count() as u64,
            members: self.members.len() as u64,
            unserved_need: self
                .neediest
                .iter()
                .filter(|h| !self.assisted.contains_key(h))
                .count() as u64,
        }
    }
}

/// The coverage for `query`, computed at most once a minute (or after a change).
pub async fn current(db: &Db, query: &Query) -> Result<Arc<Coverage>> {
    static CACHE: std::sync::LazyLock<crate::cache::Cache<Coverage>> =
        std::sync::LazyLock::new(|| {
            crate::cache::Cache::new(
                std::time::Duration::from_secs(60),
                256,
                &[crate::cache::Topic::Picture],
            )
        });
    let key = format!("{}:{query:?}", db.id);
    CACHE.get_or_load(key, || compute(db, query)).await
}

/// Computes the coverage now.
pub async fn compute(db: &Db, query: &Query) -> Result<Coverage> {
    let neediest = crate::registry::priority::neediest(db).await?;
    let registrations: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT CASE WHEN household_id > 0 THEN household_id ELSE -id END, governorate, district, village \
         FROM registry_records ORDER BY id",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut places = Places::default();
    let mut at_level: HashMap<Place, Tally> = HashMap::new();
    let mut at_gov: HashMap<Place, Tally> = HashMap::new();
    let mut total = Tally::default();
    // A household is where its first registration puts it.
    let mut home: HashSet<i64> = HashSet::new();
    for (household, gov, district, village) in &registrations {
        if !home.insert(*household) {
            continue;
        }
        let place = places.place(gov, district, village, query.level);
        let gplace = places.place(gov, "", "", Level::Governorate);
        let need = neediest.contains(household);
        for t in [
            at_level.entry(place).or_default(),
            at_gov.entry(gplace).or_default(),
            &mut total,
        ] {
            t.registered.insert(*household);
            if need {
                t.neediest.insert(*household);
            }
        }
    }
    let to = if query.to.is_empty() {
        "9999-12-31"
    } else {
        &query.to
    };
    for g in given(db, &query.from, to).await? {
        if query.category.as_deref().is_some_and(|c| c != g.category) {
            continue;
        }
        let place = places.place(&g.governorate, &g.district, &g.village, query.level);
        let gplace = places.place(&g.governorate, "", "", Level::Governorate);
        for t in [
            at_level.entry(place).or_default(),
            at_gov.entry(gplace).or_default(),
            &mut total,
        ] {
            t.assisted.entry(g.household).or_default().insert(g.org_id);
            t.members.insert(g.org_id);
            // Aid to a household registered elsewhere still shows where it was given.
            t.registered.insert(g.household);
        }
    }
    let mut rows: Vec<Row> = at_level
        .iter()
        .map(|(p, t)| t.row(places.named(p)))
        .collect();
    rows.sort_by(|a, b| {
        b.unserved_need
            .cmp(&a.unserved_need)
            .then(b.twice.cmp(&a.twice))
            .then_with(|| a.place.cmp(&b.place))
    });
    let mut governorates: Vec<Row> = at_gov.iter().map(|(p, t)| t.row(p.clone())).collect();
    governorates.sort_by(|a, b| a.place.cmp(&b.place));
    Ok(Coverage {
        governorates,
        rows,
        total: total.row(Place::default()),
    })
}

/// The colour class (0 lightest … 4 darkest) of a share of unserved need, for the map and its
/// legend: 0 where no need is registered.
pub fn class(row: &Row) -> u8 {
    if row.neediest == 0 {
        return 0;
    }
    match row.unserved_share() {
        s if s < 0.2 => 1,
        s if s < 0.4 => 2,
        s if s < 0.7 => 3,
        _ => 4,
    }
}
