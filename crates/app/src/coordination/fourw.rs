//! The 4W — who does what, where, when — computed from what members already record, so that
//! nobody types the same numbers twice:
//!
//! - *counted* rows come from the assistance ledger: distinct persons and households by the
//!   registry's identity, so a family helped by three members is one family in the alliance's
//!   row (`org_code` `*`) and one in each helping member's row. "Where" is the place of the
//!   registration the aid was given on; a reversed entry and its reversal count for nothing.
//!   People trained at the alliance's events are counted rows too: each trainee once, of the
//!   member they work for, where the event was held (`events::trained`); a trainee is their own
//!   household there, with no units or value.
//! - *reported* rows come from members' activities (people reached as the member counted them;
//!   planned activities have reached nobody yet and are left out). Reported people have no
//!   identity: the alliance's reported row is their sum.

use super::{Level, Period, Place, Places};
use crate::db::Db;
use crate::error::Result;
use crate::table::export::{Table, Value};
use std::collections::{HashMap, HashSet};

/// Which rows to compute.
#[derive(Debug, Clone, Default)]
pub struct Query {
    pub level: Level,
    pub period: Period,
    /// Inclusive ISO dates.
    pub from: Option<String>,
    pub to: Option<String>,
    pub org_id: Option<i64>,
    pub sector: Option<String>,
    pub category: Option<String>,
    /// A governorate's two-digit code.
    pub governorate: Option<String>,
    pub source: Option<Source>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Counted,
    Reported,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Counted => "counted",
            Source::Reported => "reported",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "counted" => Some(Source::Counted),
            "reported" => Some(Source::Reported),
            _ => None,
        }
    }
}

/// One row of the 4W.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Row {
    /// `None` for the alliance's row.
    pub org_id: Option<i64>,
    pub org_code: String,
    pub org_name_ar: String,
    pub org_name_en: String,
    pub sector: String,
    pub category: String,
    pub category_ar: String,
    pub category_en: String,
    pub place: Place,
    pub period_start: String,
    pub period_end: String,
    pub source: Source,
    pub persons: u64,
    /// Counted rows only.
    pub households: Option<u64>,
    pub quantity: Option<i64>,
    pub value_piastres: Option<i64>,
    /// Reported rows only: of the people reached, women and children.
    pub women: Option<u64>,
    pub children: Option<u64>,
}

/// A kind of assistance or of activity: its sector and names.
struct Kind {
    sector: String,
    name_ar: String,
    name_en: String,
}

async fn kinds(db: &Db) -> Result<(HashMap<String, Kind>, HashMap<String, Kind>)> {
    let load = |sql: &'static str| async move {
        let rows: Vec<(String, String, String, String)> =
            sqlx::query_as(sql).fetch_all(&db.pool).await?;
        Ok::<_, crate::error::Error>(
            rows.into_iter()
                .map(|(code, sector, name_ar, name_en)| {
                    (
                        code,
                        Kind {
                            sector,
                            name_ar,
                            name_en,
                        },
                    )
                })
                .collect(),
        )
    };
    let mut categories: HashMap<String, Kind> =
        load("SELECT code, sector, name_ar, name_en FROM assistance_categories").await?;
    // People trained at the alliance's events count beside the aid given (see `events::trained`).
    for (code, sector) in crate::events::trained_categories() {
        categories.entry(code).or_insert_with(|| Kind {
            sector: sector.to_owned(),
            name_ar: "متدربون في فعاليات التحالف".to_owned(),
            name_en: "Trained at the alliance's events".to_owned(),
        });
    }
    Ok((
        categories,
        load("SELECT code, sector, name_ar, name_en FROM activity_types").await?,
    ))
}

/// What a group of entries adds up to.
#[derive(Default)]
struct Tally {
    persons: u64,
    households: u64,
    quantity: i64,
    value: i64,
    reported: u64,
    women: u64,
    children: u64,
}

/// One entry of the ledger that counts (not reversed, not a reversal), with the registry's
/// person and household it went to and the place of the registration.
#[derive(Debug, Clone)]
pub struct Given {
    pub org_id: i64,
    pub category: String,
    pub given_on: String,
    pub quantity: i64,
    pub value_piastres: i64,
    /// The registry's person (a registration not yet linked counts as its own person).
    pub person: i64,
    pub household: i64,
    pub governorate: String,
    pub district: String,
    pub village: String,
}

/// The entries given from `from` to `to` (inclusive ISO dates) that count.
pub async fn given(db: &Db, from: &str, to: &str) -> Result<Vec<Given>> {
    let reversed: HashSet<i64> = sqlx::query_as::<_, (i64,)>(
        "SELECT reverses_id FROM assistance WHERE reverses_id IS NOT NULL",
    )
    .fetch_all(&db.pool)
    .await?
    .into_iter()
    .map(|(id,)| id)
    .collect();
    type Entry = (
        i64,
        i64,
        String,
        String,
        i64,
        i64,
        i64,
        i64,
        String,
        String,
        String,
    );
    let entries: Vec<Entry> = sqlx::query_as(
        "SELECT a.id, a.org_id, a.category, a.given_on, a.quantity, a.value_piastres, \
                CASE WHEN r.person_id > 0 THEN r.person_id ELSE -r.id END, \
                CASE WHEN r.household_id > 0 THEN r.household_id ELSE -r.id END, \
                r.governorate, r.district, r.village \
         FROM assistance a JOIN registry_records r ON r.id = a.record_id \
         WHERE a.reverses_id IS NULL AND a.given_on >= $1 AND a.given_on <= $2",
    )
    .bind(from)
    .bind(to)
    .fetch_all(&db.pool)
    .await?;
    Ok(entries
        .into_iter()
        .filter(|e| !reversed.contains(&e.0))
        .map(
            |(
                _,
                org_id,
                category,
                given_on,
                quantity,
                value_piastres,
                person,
                household,
                governorate,
                district,
                village,
            )| Given {
                org_id,
                category,
                given_on,
                quantity,
                value_piastres,
                person,
                household,
                governorate,
                district,
                village,
            },
        )
        .collect())
}

/// A row's key: member (`None`: the alliance), source, and the ids of its kind, place key and
/// period start in the [`Names`] of the count.
type Key = (Option<i64>, Source, u32, u32, u32);

/// Values met many times while counting, each kept once and named by its number: 186,000 rows
/// then hash and clone small tuples, not places of five strings.
struct Interned<T> {
    ids: HashMap<T, u32>,
    list: Vec<T>,
}

impl<T: std::hash::Hash + Eq + Clone> Interned<T> {
    fn new() -> Self {
        Interned {
            ids: HashMap::new(),
            list: Vec::new(),
        }
    }

    fn id(&mut self, value: &T) -> u32 {
        if let Some(&id) = self.ids.get(value) {
            return id;
        }
        let id = self.list.len() as u32;
        self.list.push(value.clone());
        self.ids.insert(value.clone(), id);
        id
    }
}

/// The kinds, places and periods of one count.
struct Names {
    kinds: Interned<String>,
    places: Interned<Place>,
    periods: Interned<String>,
}

/// The 4W rows for `query`, the alliance's row first in each place, kind and period.
pub async fn rows(db: &Db, query: &Query) -> Result<Vec<Row>> {
    let (categories, activity_types) = kinds(db).await?;
    let mut places = Places::default();
    let mut names = Names {
        kinds: Interned::new(),
        places: Interned::new(),
        periods: Interned::new(),
    };
    let mut tallies: HashMap<Key, Tally> = HashMap::new();
    let (from, to) = (
        query.from.clone().unwrap_or_default(),
        query.to.clone().unwrap_or_else(|| "9999-12-31".into()),
    );
    let mut first_date: Option<String> = None;
    let mut last_date: Option<String> = None;
    let mut seen = |d: &str| {
        if first_date.as_deref().is_none_or(|f| d < f) {
            first_date = Some(d.to_owned());
        }
        if last_date.as_deref().is_none_or(|l| d > l) {
            last_date = Some(d.to_owned());
        }
    };
    let wanted_kind = |sector: &str, code: &str| {
        query.sector.as_deref().is_none_or(|s| s == sector)
            && query.category.as_deref().is_none_or(|c| c == code)
    };

    if query.source != Some(Source::Reported) {
        let mut entries = given(db, &from, &to).await?;
        // Users' ids kept apart from the registry's persons (positive) and unlinked records
        // (their negated ids): a trainee is their own household, with no units or value.
        const PEOPLE: i64 = -(1 << 40);
        entries.extend(
            crate::events::trained(db, &from, &to)
                .await?
                .into_iter()
                .map(|t| Given {
                    org_id: t.org_id,
                    category: t.category,
                    given_on: t.day,
                    quantity: 0,
                    value_piastres: 0,
                    person: PEOPLE - t.user_id,
                    household: PEOPLE - t.user_id,
                    governorate: t.governorate,
                    district: String::new(),
                    village: String::new(),
                }),
        );
        counted(
            &entries,
            query,
            &categories,
            &mut places,
            &mut names,
            &mut tallies,
            &mut seen,
        );
    }

    if query.source != Some(Source::Counted) {
        type Activity = (i64, String, String, String, String, String, i64, i64, i64);
        let activities: Vec<Activity> = sqlx::query_as(
            "SELECT org_id, type_code, starts_on, governorate, district, village, \
                    reached_total, reached_women, reached_children \
             FROM activities WHERE status <> 'planned' AND starts_on >= $1 AND starts_on <= $2",
        )
        .bind(&from)
        .bind(&to)
        .fetch_all(&db.pool)
        .await?;
        for (org, code, starts_on, gov, district, village, total, women, children) in activities {
            if query.org_id.is_some_and(|o| o != org) {
                continue;
            }
            let sector = activity_types.get(&code).map_or("", |k| k.sector.as_str());
            if !wanted_kind(sector, &code) {
                continue;
            }
            let place = places.place(&gov, &district, &village, query.level);
            if query
                .governorate
                .as_deref()
                .is_some_and(|g| g != place.adm1_code)
            {
                continue;
            }
            seen(&starts_on);
            let start = names.periods.id(&query.period.start(&starts_on));
            let (kind, place) = (names.kinds.id(&code), names.places.id(&place));
            for who in [Some(org), None] {
                let t = tallies
                    .entry((who, Source::Reported, kind, place, start))
                    .or_default();
                t.reported += total.max(0) as u64;
                t.women += women.max(0) as u64;
                t.children += children.max(0) as u64;
            }
        }
    }

    let orgs: HashMap<i64, (String, String, String)> =
        sqlx::query_as::<_, (i64, String, String, String)>(
            "SELECT id, code, name_ar, name_en FROM orgs",
        )
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(|(id, code, ar, en)| (id, (code, ar, en)))
        .collect();
    let (alliance_ar, alliance_en) = alliance_names(db).await?;
    let span = (
        query.from.clone().or(first_date).unwrap_or_default(),
        query.to.clone().or(last_date).unwrap_or_default(),
    );
    // Each place is named (its most common spellings) and ranked once, not once per row.
    let shown: Vec<Place> = names.places.list.iter().map(|p| places.named(p)).collect();
    let mut order: Vec<usize> = (0..shown.len()).collect();
    order.sort_by(|&a, &b| shown[a].cmp(&shown[b]));
    let mut rank_of = vec![0; shown.len()];
    for (rank, &i) in order.iter().enumerate() {
        rank_of[i] = rank;
    }
    let mut ranked: Vec<(usize, Row)> = tallies
        .into_iter()
        .map(|((who, source, code, place, start), t)| {
            let (shown, rank) = (shown[place as usize].clone(), rank_of[place as usize]);
            let code = names.kinds.list[code as usize].clone();
            let start = &names.periods.list[start as usize];
            let kind = match source {
                Source::Counted => categories.get(&code),
                Source::Reported => activity_types.get(&code),
            };
            let (org_code, org_name_ar, org_name_en) = match who {
                Some(id) => orgs.get(&id).cloned().unwrap_or_default(),
                None => ("*".to_owned(), alliance_ar.clone(), alliance_en.clone()),
            };
            let (period_start, period_end) = query.period.bounds(start, &span);
            let counted = source == Source::Counted;
            let row = Row {
                org_id: who,
                org_code,
                org_name_ar,
                org_name_en,
                sector: kind.map(|k| k.sector.clone()).unwrap_or_default(),
                category_ar: kind
                    .map(|k| k.name_ar.clone())
                    .unwrap_or_else(|| code.clone()),
                category_en: kind
                    .map(|k| k.name_en.clone())
                    .unwrap_or_else(|| code.clone()),
                category: code,
                place: shown,
                period_start,
                period_end,
                source,
                persons: if counted { t.persons } else { t.reported },
                households: counted.then_some(t.households),
                quantity: counted.then_some(t.quantity),
                value_piastres: counted.then_some(t.value),
                women: (!counted).then_some(t.women),
                children: (!counted).then_some(t.children),
            };
            (rank, row)
        })
        .collect();
    // By place, period, source, kind, the alliance's row first, then members by code.
    ranked.sort_unstable_by(|(ra, a), (rb, b)| {
        (
            ra,
            &a.period_start,
            a.source,
            &a.sector,
            &a.category,
            a.org_id.is_some(),
            &a.org_code,
        )
            .cmp(&(
                rb,
                &b.period_start,
                b.source,
                &b.sector,
                &b.category,
                b.org_id.is_some(),
                &b.org_code,
            ))
    });
    Ok(ranked.into_iter().map(|(_, row)| row).collect())
}

/// A counted row's key while counting: member (`u32::MAX` for the alliance), kind, place and
/// period, each interned, so that 100,000 entries are two sorts of small tuples rather than a
/// map of strings and a set of persons per row.
type Compact = (u32, u16, u32, u16);

/// The counted rows of `entries` into `tallies`: distinct persons and households per member and
/// for the alliance, units and value summed.
fn counted(
    entries: &[Given],
    query: &Query,
    categories: &HashMap<String, Kind>,
    places: &mut Places,
    names: &mut Names,
    tallies: &mut HashMap<Key, Tally>,
    seen: &mut impl FnMut(&str),
) {
    // Places: each spelling met is normalised once, weighted by how often it is met.
    let mut spellings: HashMap<(&str, &str, &str), u32> = HashMap::new();
    for g in entries {
        *spellings
            .entry((&g.governorate, &g.district, &g.village))
            .or_default() += 1;
    }
    let mut place_ids: HashMap<Place, u32> = HashMap::new();
    let mut place_list: Vec<Place> = Vec::new();
    let mut place_of: HashMap<(&str, &str, &str), u32> = HashMap::new();
    for (&(gov, district, village), &n) in &spellings {
        let place = places.place_weighted(gov, district, village, query.level, n as usize);
        let next = place_list.len() as u32;
        let id = *place_ids.entry(place.clone()).or_insert_with(|| {
            place_list.push(place);
            next
        });
        place_of.insert((gov, district, village), id);
    }
    let mut kind_ids: HashMap<&str, u16> = HashMap::new();
    let mut kind_list: Vec<&str> = Vec::new();
    let mut period_of: HashMap<&str, u16> = HashMap::new();
    let mut period_list: Vec<String> = Vec::new();
    let mut persons: Vec<(Compact, i64)> = Vec::with_capacity(entries.len() * 2);
    let mut households: Vec<(Compact, i64)> = Vec::with_capacity(entries.len() * 2);
    let mut sums: HashMap<Compact, (i64, i64)> = HashMap::new();
    let mut orgs: Vec<i64> = Vec::new();
    for g in entries {
        if query.org_id.is_some_and(|o| o != g.org_id) {
            continue;
        }
        let sector = categories
            .get(&g.category)
            .map_or("", |k| k.sector.as_str());
        if query.sector.as_deref().is_some_and(|s| s != sector)
            || query.category.as_deref().is_some_and(|c| c != g.category)
        {
            continue;
        }
        let place = place_of[&(
            g.governorate.as_str(),
            g.district.as_str(),
            g.village.as_str(),
        )];
        if query
            .governorate
            .as_deref()
            .is_some_and(|code| code != place_list[place as usize].adm1_code)
        {
            continue;
        }
        seen(&g.given_on);
        let next = kind_list.len() as u16;
        let kind = *kind_ids.entry(g.category.as_str()).or_insert_with(|| {
            kind_list.push(g.category.as_str());
            next
        });
        // Entries of one month share their period whatever its length.
        let month = g.given_on.get(..7).unwrap_or(&g.given_on);
        let next = period_list.len() as u16;
        let period = *period_of.entry(month).or_insert_with(|| {
            let start = query.period.start(&g.given_on);
            match period_list.iter().position(|p| *p == start) {
                Some(i) => i as u16,
                None => {
                    period_list.push(start);
                    next
                }
            }
        });
        let org = match orgs.iter().position(|&o| o == g.org_id) {
            Some(i) => i as u32,
            None => {
                orgs.push(g.org_id);
                orgs.len() as u32 - 1
            }
        };
        for who in [org, u32::MAX] {
            let key = (who, kind, place, period);
            persons.push((key, g.person));
            households.push((key, g.household));
            let sum = sums.entry(key).or_default();
            sum.0 += g.quantity;
            sum.1 += g.value_piastres;
        }
    }
    let distinct = |mut pairs: Vec<(Compact, i64)>| -> HashMap<Compact, u64> {
        pairs.sort_unstable();
        pairs.dedup();
        let mut counts: HashMap<Compact, u64> = HashMap::new();
        for (key, _) in pairs {
            *counts.entry(key).or_default() += 1;
        }
        counts
    };
    let persons = distinct(persons);
    let households = distinct(households);
    // This count's own ids into the whole count's: once per kind, place and period.
    let kinds: Vec<u32> = kind_list
        .iter()
        .map(|k| names.kinds.id(&(*k).to_owned()))
        .collect();
    let place_ids: Vec<u32> = place_list.iter().map(|p| names.places.id(p)).collect();
    let periods: Vec<u32> = period_list.iter().map(|p| names.periods.id(p)).collect();
    tallies.reserve(sums.len());
    for (key, (quantity, value)) in sums {
        let (who, kind, place, period) = key;
        let who = (who != u32::MAX).then(|| orgs[who as usize]);
        tallies.insert(
            (
                who,
                Source::Counted,
                kinds[kind as usize],
                place_ids[place as usize],
                periods[period as usize],
            ),
            Tally {
                persons: persons.get(&key).copied().unwrap_or(0),
                households: households.get(&key).copied().unwrap_or(0),
                quantity,
                value,
                ..Tally::default()
            },
        );
    }
}

/// The alliance's name for its rows: the secretariat's.
async fn alliance_names(db: &Db) -> Result<(String, String)> {
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT name_ar, name_en FROM orgs WHERE kind = 'secretariat' LIMIT 1")
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.unwrap_or_default())
}

/// The export's columns, in their fixed order, with their HXL hashtags.
pub const COLUMNS: [(&str, &str); 15] = [
    ("org_code", "#org+impl+code"),
    ("org_name", "#org+impl+name"),
    ("sector", "#sector"),
    ("category", "#activity+type"),
    ("adm1_code", "#adm1+code"),
    ("adm1_name", "#adm1+name"),
    ("adm2_name", "#adm2+name"),
    ("adm3_name", "#loc+name"),
    ("period_start", "#date+start"),
    ("period_end", "#date+end"),
    ("source", "#meta+source"),
    ("persons_reached", "#reached+ind"),
    ("households_reached", "#reached+hh"),
    ("quantity", "#indicator+quantity"),
    ("value_egp", "#value+egp"),
];

/// The 4W as the export's table: the column names, then the HXL hashtags as the first row, then
/// one row per [`Row`], unsuppressed (the command line's export is the secretariat's).
pub fn table(rows: &[Row]) -> Table {
    let (header, rows) = table_rows(rows);
    (header, rows.collect())
}

/// [`table`]'s header and rows, the rows made one at a time as a writer takes them.
pub fn table_rows(rows: &[Row]) -> (Vec<String>, impl Iterator<Item = Vec<Value>> + '_) {
    let header = COLUMNS.iter().map(|(c, _)| (*c).to_owned()).collect();
    let hxl = std::iter::once(COLUMNS.iter().map(|(_, h)| Value::from(*h)).collect());
    (
        header,
        hxl.chain(rows.iter().map(|r| {
            vec![
                r.org_code.as_str().into(),
                r.org_name_ar.as_str().into(),
                r.sector.as_str().into(),
                r.category.as_str().into(),
                r.place.adm1_code.as_str().into(),
                r.place.adm1_name.as_str().into(),
                r.place.adm2_name.as_str().into(),
                r.place.adm3_name.as_str().into(),
                r.period_start.as_str().into(),
                r.period_end.as_str().into(),
                r.source.as_str().into(),
                Value::from(r.persons as i64),
                Value::from(r.households.map(|h| h as i64)),
                Value::from(r.quantity),
                Value::from(r.value_piastres.map(|v| v as f64 / 100.0)),
            ]
        })),
    )
}

/// A 4W row as a reader may see it: hidden figures are `None`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Shown {
    #[serde(flatten)]
    pub row: Row,
    pub persons_shown: Option<u64>,
    pub households_shown: Option<u64>,
    pub quantity_shown: Option<i64>,
    pub value_shown: Option<i64>,
    /// Another member's row whose figures are not published at this level or period: it says
    /// that the member works there, nothing more.
    pub presence_only: bool,
}

impl Shown {
    fn whole(row: Row) -> Self {
        Shown {
            persons_shown: Some(row.persons),
            households_shown: row.households,
            quantity_shown: row.quantity,
            value_shown: row.value_piastres,
            presence_only: false,
            row,
        }
    }
}

/// The rows as the secretariat sees them: every figure.
pub fn whole(rows: Vec<Row>) -> Vec<Shown> {
    rows.into_iter().map(Shown::whole).collect()
}

/// Where other members' figures are published to a member: one table only, so that no figure
/// can be had by subtracting one published table from another (a governorate's row minus its
/// districts', a year minus its months, one span of dates minus another). Governorates by
/// calendar quarter, persons and households only (units and money are plain sums, which any
/// two overlapping tables would undo); every other level, period or span shows other members'
/// rows as presence only. The alliance's row, which holds other members' figures, is left to the
/// observatory.
pub fn published_for_members(query: &Query) -> bool {
    query.level == Level::Governorate
        && query.period == Period::Quarter
        && query.from.is_none()
        && query.to.is_none()
}

/// The rows of `query` as member `reader` may see them: its own rows whole; other members'
/// persons and households where [`published_for_members`] allows, from the published table
/// (computed over the whole alliance, so that a filter never changes what is hidden), each
/// count under the threshold hidden and, for each governorate and kind, never exactly one
/// member-quarter hidden where the observatory publishes that cell's total; elsewhere presence
/// only; no alliance rows.
pub async fn for_member(db: &Db, query: &Query, reader: i64) -> Result<Vec<Shown>> {
    let rows = rows(db, query).await?;
    let published = if published_for_members(query) {
        Some(published(db).await?)
    } else {
        None
    };
    Ok(rows
        .into_iter()
        .filter(|r| r.org_id.is_some())
        .map(|row| {
            if row.org_id == Some(reader) {
                return Shown::whole(row);
            }
            let key = (
                row.org_id.unwrap_or_default(),
                row.source,
                row.category.clone(),
                row.place.adm1_code.clone(),
                row.period_start.clone(),
            );
            let figures = published.as_ref().and_then(|p| p.get(&key)).copied();
            Shown {
                persons_shown: figures.and_then(|f| f.0),
                households_shown: figures.and_then(|f| f.1),
                quantity_shown: None,
                value_shown: None,
                presence_only: figures.is_none(),
                row,
            }
        })
        .collect())
}

/// (member, source, kind, governorate, quarter) → (persons, households) as published.
type Published = HashMap<(i64, Source, String, String, String), (Option<u64>, Option<u64>)>;

/// The published table, worked out at most once a minute for every member (or after a change):
/// it is the whole alliance's 4W, and every member's page of it would otherwise count it again.
async fn published(db: &Db) -> Result<std::sync::Arc<Published>> {
    static CACHE: std::sync::LazyLock<crate::cache::Cache<Published>> =
        std::sync::LazyLock::new(|| {
            crate::cache::Cache::new(
                std::time::Duration::from_secs(60),
                64,
                &[crate::cache::Topic::Picture],
            )
        });
    CACHE
        .get_or_load(db.id.to_string(), || published_table(db))
        .await
}

/// The one table of other members' figures members read, suppressed once for everyone.
async fn published_table(db: &Db) -> Result<Published> {
    let rows = rows(
        db,
        &Query {
            level: Level::Governorate,
            period: Period::Quarter,
            ..Query::default()
        },
    )
    .await?;
    let observatory = super::observatory::current(db).await?;
    let mut out: Published = HashMap::new();
    // Households of a governorate and kind, over every member and quarter, add up (at most) to
    // the observatory's published cell: never leave exactly one of them hidden.
    let mut columns: HashMap<(String, String), Vec<(usize, u64)>> = HashMap::new();
    let members: Vec<&Row> = rows.iter().filter(|r| r.org_id.is_some()).collect();
    for (i, r) in members.iter().enumerate() {
        let small = |n: u64| super::suppress::small(n);
        out.insert(
            (
                r.org_id.unwrap_or_default(),
                r.source,
                r.category.clone(),
                r.place.adm1_code.clone(),
                r.period_start.clone(),
            ),
            (
                (!small(r.persons)).then_some(r.persons),
                r.households.filter(|h| !small(*h)),
            ),
        );
        if let (Source::Counted, Some(h)) = (r.source, r.households) {
            columns
                .entry((r.place.adm1_code.clone(), r.category.clone()))
                .or_default()
                .push((i, h));
        }
    }
    for ((gov, kind), cells) in columns {
        let total = observatory
            .by_governorate
            .iter()
            .find(|g| g.code == gov)
            .and_then(|g| {
                let k = observatory.kinds.iter().position(|k| k.code == kind)?;
                g.households.get(k)?.0
            });
        let Some(total) = total else {
            // The observatory hides that cell: nothing to subtract from.
            continue;
        };
        let counts: Vec<u64> = cells.iter().map(|(_, h)| *h).collect();
        let (hidden, _) = super::suppress::suppress_list(&counts, total);
        for ((i, _), hide) in cells.iter().zip(hidden) {
            if hide {
                let r = members[*i];
                if let Some(f) = out.get_mut(&(
                    r.org_id.unwrap_or_default(),
                    r.source,
                    r.category.clone(),
                    r.place.adm1_code.clone(),
                    r.period_start.clone(),
                )) {
                    f.1 = None;
                }
            }
        }
    }
    Ok(out)
}
