//! The alliance's observatory: live counters anyone may read, without signing in — persons and
//! households reached (each once, however many members helped them), by kind of assistance, by
//! governorate and by month; villages reached; members active; people reached by activities as
//! members reported them. No personal data, and every count under
//! [`THRESHOLD`](super::suppress::THRESHOLD) shown as "<10", with enough others hidden beside it
//! that it cannot be worked out from the totals (see [`super::suppress`]). Computed at most once
//! a minute.

use super::fourw::given;
use super::suppress::{Grid, small, suppress_list};
use super::{Level, Places};
use crate::db::Db;
use crate::error::Result;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

/// A published count: its value, or `None` where it is hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Figure(pub Option<u64>);

impl Serialize for Figure {
    /// A number, or the text "<10" where hidden.
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self.0 {
            Some(n) => s.serialize_u64(n),
            None => s.serialize_str(&format!("<{}", super::suppress::THRESHOLD)),
        }
    }
}

impl Figure {
    fn of(n: u64, hidden: bool) -> Self {
        Figure((!hidden).then_some(n))
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Kind {
    pub code: String,
    pub name_ar: String,
    pub name_en: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct GovernorateRow {
    pub code: String,
    pub name_ar: String,
    pub name_en: String,
    /// Households reached, by kind (in the order of [`Observatory::kinds`]).
    pub households: Vec<Figure>,
    pub total: Figure,
}

#[derive(Debug, Clone, Serialize)]
pub struct MonthRow {
    /// `YYYY-MM`.
    pub month: String,
    pub persons: Figure,
    pub households: Figure,
}

#[derive(Debug, Clone, Serialize)]
pub struct ActivityRow {
    pub code: String,
    pub name_ar: String,
    pub name_en: String,
    pub people: Figure,
}

/// Everything the observatory publishes.
#[derive(Debug, Clone, Serialize)]
pub struct Observatory {
    /// The first and last day of assistance counted (ISO dates; empty when none).
    pub since: String,
    pub until: String,
    pub persons: Figure,
    pub households: Figure,
    pub villages: Figure,
    pub members_active: Figure,
    pub kinds: Vec<Kind>,
    pub by_governorate: Vec<GovernorateRow>,
    /// Households reached by kind, over every governorate.
    pub kind_totals: Vec<Figure>,
    /// The last twelve months with assistance, oldest first.
    pub by_month: Vec<MonthRow>,
    /// People reached by members' activities, as reported (not persons of the registry).
    pub activities: Vec<ActivityRow>,
    pub activities_total: Figure,
    /// When these figures were computed (RFC 3339).
    pub computed_at: String,
}

/// The observatory's figures, computed at most once a minute.
pub async fn current(db: &Db) -> Result<Arc<Observatory>> {
    static CACHE: std::sync::LazyLock<crate::cache::Cache<Observatory>> =
        std::sync::LazyLock::new(|| {
            crate::cache::Cache::new(
                std::time::Duration::from_secs(60),
                64,
                &[crate::cache::Topic::Picture],
            )
        });
    CACHE.get_or_load(db.id.to_string(), || compute(db)).await
}

/// Computes the figures now.
pub async fn compute(db: &Db) -> Result<Observatory> {
    let entries = given(db, "", "9999-12-31").await?;
    let kinds_all = crate::kinds::ASSISTANCE.all(db).await?;
    let mut places = Places::default();

    let mut persons = HashSet::new();
    let mut households = HashSet::new();
    let mut villages = HashSet::new();
    let mut members = HashSet::new();
    // (governorate code or name, kind) → households; governorate → households; kind → households.
    let mut cell: HashMap<(String, String), HashSet<i64>> = HashMap::new();
    let mut gov_total: HashMap<String, HashSet<i64>> = HashMap::new();
    let mut kind_total: HashMap<String, HashSet<i64>> = HashMap::new();
    let mut gov_names: HashMap<String, (String, String)> = HashMap::new();
    let mut month_persons: BTreeMap<String, HashSet<i64>> = BTreeMap::new();
    let mut month_households: BTreeMap<String, HashSet<i64>> = BTreeMap::new();
    let (mut since, mut until) = (String::new(), String::new());
    for g in &entries {
        persons.insert(g.person);
        households.insert(g.household);
        members.insert(g.org_id);
        let place = places.place(&g.governorate, &g.district, &g.village, Level::Village);
        if !place.adm3_name.is_empty() {
            villages.insert(place.clone());
        }
        let gov = if place.adm1_code.is_empty() {
            String::new()
        } else {
            place.adm1_code.clone()
        };
        gov_names
            .entry(gov.clone())
            .or_insert_with(|| (place.adm1_name.clone(), place.adm1_name_en.clone()));
        cell.entry((gov.clone(), g.category.clone()))
            .or_default()
            .insert(g.household);
        gov_total.entry(gov).or_default().insert(g.household);
        kind_total
            .entry(g.category.clone())
            .or_default()
            .insert(g.household);
        let month = g.given_on.get(..7).unwrap_or_default().to_owned();
        month_persons
            .entry(month.clone())
            .or_default()
            .insert(g.person);
        month_households
            .entry(month)
            .or_default()
            .insert(g.household);
        if since.is_empty() || g.given_on < since {
            since = g.given_on.clone();
        }
        if g.given_on > until {
            until = g.given_on.clone();
        }
    }
    // Reported activities (not planned): people as counted by members.
    let reported: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT org_id, type_code, reached_total FROM activities WHERE status <> 'planned'",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut by_type: BTreeMap<String, u64> = BTreeMap::new();
    for (org, code, n) in &reported {
        members.insert(*org);
        *by_type.entry(code.clone()).or_default() += (*n).max(0) as u64;
    }

    // Governorates × kinds of households reached, with both totals and the grand total.
    let kinds: Vec<Kind> = kinds_all
        .iter()
        .filter(|k| kind_total.contains_key(&k.code))
        .map(|k| Kind {
            code: k.code.clone(),
            name_ar: k.name_ar.clone(),
            name_en: k.name_en.clone(),
        })
        .collect();
    let mut govs: Vec<String> = gov_total.keys().cloned().collect();
    // In the order of their codes; places nobody could read last.
    govs.sort_by_key(|g| (g.is_empty(), g.clone()));
    let mut grid = Grid {
        cells: govs
            .iter()
            .map(|g| {
                kinds
                    .iter()
                    .map(|k| {
                        cell.get(&(g.clone(), k.code.clone()))
                            .map_or(0, |s| s.len() as u64)
                    })
                    .collect()
            })
            .collect(),
        row_totals: Some(govs.iter().map(|g| gov_total[g].len() as u64).collect()),
        column_totals: Some(
            kinds
                .iter()
                .map(|k| kind_total[&k.code].len() as u64)
                .collect(),
        ),
        grand_total: Some(households.len() as u64),
        known_cells: Vec::new(),
        known_row_totals: Vec::new(),
    };
    // A zero says nobody was given that kind there: it is shown, and never hidden for another.
    grid.known_cells = grid
        .cells
        .iter()
        .map(|row| row.iter().map(|&n| n == 0).collect())
        .collect();
    let hidden = grid.suppress();

    // Months, each with its persons and households, beside the totals.
    let months: Vec<String> = month_persons.keys().rev().take(12).rev().cloned().collect();
    let month_p: Vec<u64> = months
        .iter()
        .map(|m| month_persons[m].len() as u64)
        .collect();
    let month_h: Vec<u64> = months
        .iter()
        .map(|m| month_households[m].len() as u64)
        .collect();
    let (hide_mp, hide_persons) = suppress_list(&month_p, persons.len() as u64);
    let (hide_mh, hide_households_m) = suppress_list(&month_h, households.len() as u64);
    let hide_households = hidden.grand_total || hide_households_m;

    let types = crate::kinds::ACTIVITIES.all(db).await?;
    let type_counts: Vec<u64> = by_type.values().copied().collect();
    let type_total: u64 = type_counts.iter().sum();
    let (hide_types, hide_type_total) = suppress_list(&type_counts, type_total);

    Ok(Observatory {
        since,
        until,
        persons: Figure::of(persons.len() as u64, hide_persons),
        households: Figure::of(households.len() as u64, hide_households),
        villages: Figure::of(villages.len() as u64, small(villages.len() as u64)),
        members_active: Figure::of(members.len() as u64, small(members.len() as u64)),
        by_governorate: govs
            .iter()
            .enumerate()
            .map(|(r, g)| {
                let (ar, en) = gov_names.get(g).cloned().unwrap_or_default();
                GovernorateRow {
                    code: g.clone(),
                    name_ar: ar,
                    name_en: en,
                    households: grid.cells[r]
                        .iter()
                        .enumerate()
                        .map(|(c, &n)| Figure::of(n, hidden.cells[r][c]))
                        .collect(),
                    total: Figure::of(gov_total[g].len() as u64, hidden.row_totals[r]),
                }
            })
            .collect(),
        kind_totals: kinds
            .iter()
            .enumerate()
            .map(|(c, k)| Figure::of(kind_total[&k.code].len() as u64, hidden.column_totals[c]))
            .collect(),
        kinds,
        by_month: months
            .iter()
            .enumerate()
            .map(|(i, m)| MonthRow {
                month: m.clone(),
                persons: Figure::of(month_p[i], hide_mp[i]),
                households: Figure::of(month_h[i], hide_mh[i]),
            })
            .collect(),
        activities: by_type
            .keys()
            .enumerate()
            .map(|(i, code)| {
                let t = types.iter().find(|t| &t.code == code);
                ActivityRow {
                    code: code.clone(),
                    name_ar: t.map_or_else(|| code.clone(), |t| t.name_ar.clone()),
                    name_en: t.map_or_else(|| code.clone(), |t| t.name_en.clone()),
                    people: Figure::of(type_counts[i], hide_types[i]),
                }
            })
            .collect(),
        activities_total: Figure::of(type_total, hide_type_total),
        computed_at: crate::db::now(),
    })
}
