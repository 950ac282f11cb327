//! The 4W — who does what, where, when — computed from what members already record, so that
//! nobody types the same numbers twice:
//!
//! - *counted* rows come from the assistance ledger: distinct persons and households by the
//!   registry's identity, so a family helped by three members is one family in the alliance's
//!   row (`org_code` `*`) and one in each helping member's row. "Where" is the place of the
//!   registration the aid was given on; a reversed entry and its reversal count for nothing.
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
    Ok((
        load("SELECT code, sector, name_ar, name_en FROM assistance_categories").await?,
        load("SELECT code, sector, name_ar, name_en FROM activity_types").await?,
    ))
}

/// What a group of entries adds up to.
#[derive(Default)]
struct Tally {
    persons: HashSet<i64>,
    households: HashSet<i64>,
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

/// A row's key: member (`None`: the alliance), source, kind, place key, period start.
type Key = (Option<i64>, Source, String, Place, String);

/// The 4W rows for `query`, the alliance's row first in each place, kind and period.
pub async fn rows(db: &Db, query: &Query) -> Result<Vec<Row>> {
    let (categories, activity_types) = kinds(db).await?;
    let mut places = Places::default();
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
        for Given {
            org_id: org,
            category,
            given_on,
            quantity,
            value_piastres: value,
            person,
            household,
            governorate: gov,
            district,
            village,
        } in given(db, &from, &to).await?
        {
            if query.org_id.is_some_and(|o| o != org) {
                continue;
            }
            let sector = categories.get(&category).map_or("", |k| k.sector.as_str());
            if !wanted_kind(sector, &category) {
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
            seen(&given_on);
            let start = query.period.start(&given_on);
            for who in [Some(org), None] {
                let t = tallies
                    .entry((
                        who,
                        Source::Counted,
                        category.clone(),
                        place.clone(),
                        start.clone(),
                    ))
                    .or_default();
                t.persons.insert(person);
                t.households.insert(household);
                t.quantity += quantity;
                t.value += value;
            }
        }
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
            let start = query.period.start(&starts_on);
            for who in [Some(org), None] {
                let t = tallies
                    .entry((
                        who,
                        Source::Reported,
                        code.clone(),
                        place.clone(),
                        start.clone(),
                    ))
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
    let mut out: Vec<Row> = tallies
        .into_iter()
        .map(|((who, source, code, place, start), t)| {
            let kind = match source {
                Source::Counted => categories.get(&code),
                Source::Reported => activity_types.get(&code),
            };
            let (org_code, org_name_ar, org_name_en) = match who {
                Some(id) => orgs.get(&id).cloned().unwrap_or_default(),
                None => ("*".to_owned(), alliance_ar.clone(), alliance_en.clone()),
            };
            let (period_start, period_end) = query.period.bounds(&start, &span);
            let counted = source == Source::Counted;
            Row {
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
                place: places.named(&place),
                period_start,
                period_end,
                source,
                persons: if counted {
                    t.persons.len() as u64
                } else {
                    t.reported
                },
                households: counted.then_some(t.households.len() as u64),
                quantity: counted.then_some(t.quantity),
                value_piastres: counted.then_some(t.value),
                women: (!counted).then_some(t.women),
                children: (!counted).then_some(t.children),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        (
            &a.place.adm1_code,
            &a.place.adm1_name,
            &a.place.adm2_name,
            &a.place.adm3_name,
            &a.period_start,
            a.source,
            &a.sector,
            &a.category,
            a.org_id.is_some(),
            &a.org_code,
        )
            .cmp(&(
                &b.place.adm1_code,
                &b.place.adm1_name,
                &b.place.adm2_name,
                &b.place.adm3_name,
                &b.period_start,
                b.source,
                &b.sector,
                &b.category,
                b.org_id.is_some(),
                &b.org_code,
            ))
    });
    Ok(out)
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
    let columns = &COLUMNS;
    let header = columns.iter().map(|(c, _)| (*c).to_owned()).collect();
    let mut out = Vec::with_capacity(rows.len() + 1);
    out.push(columns.iter().map(|(_, h)| Value::from(*h)).collect());
    for r in rows {
        out.push(vec![
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
        ]);
    }
    (header, out)
}

/// A 4W row as a reader may see it: hidden figures are `None`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Shown {
    #[serde(flatten)]
    pub row: Row,
    pub persons_shown: Option<u64>,
    pub households_shown: Option<u64>,
    /// Units and value, shown only with both counts.
    pub quantity_shown: Option<i64>,
    pub value_shown: Option<i64>,
}

/// The rows as `reader` may see them: the secretariat (`None`) sees every figure; a member sees
/// its own rows whole and every other figure under the threshold hidden, with enough others
/// beside it that none can be worked out — within each kind, source and period, the members'
/// rows of every place, the alliance's row of the place (their column total), each member's sum
/// over the places and the alliance's (as the coarser levels publish them) form one table,
/// suppressed as in [`super::suppress`].
pub fn shown(rows: Vec<Row>, reader: Option<i64>) -> Vec<Shown> {
    let mut out: Vec<Shown> = rows
        .into_iter()
        .map(|row| Shown {
            persons_shown: Some(row.persons),
            households_shown: row.households,
            quantity_shown: row.quantity,
            value_shown: row.value_piastres,
            row,
        })
        .collect();
    let Some(reader) = reader else {
        return out;
    };
    // Groups of (source, kind, period): their rows' indices.
    let mut groups: HashMap<(Source, String, String), Vec<usize>> = HashMap::new();
    for (i, s) in out.iter().enumerate() {
        groups
            .entry((
                s.row.source,
                s.row.category.clone(),
                s.row.period_start.clone(),
            ))
            .or_default()
            .push(i);
    }
    for members in groups.values() {
        let mut places: Vec<&Place> = Vec::new();
        let mut orgs: Vec<i64> = Vec::new();
        for &i in members {
            let r = &out[i].row;
            if !places.contains(&&r.place) {
                places.push(&r.place);
            }
            if let Some(o) = r.org_id
                && !orgs.contains(&o)
            {
                orgs.push(o);
            }
        }
        let places: Vec<Place> = places.into_iter().cloned().collect();
        let column = |p: &Place| places.iter().position(|q| q == p).unwrap_or(0);
        let row_of = |o: i64| orgs.iter().position(|&q| q == o).unwrap_or(0);
        // Cells: (member, place) → the row's index; the alliance's rows by place.
        let mut at = vec![vec![None; places.len()]; orgs.len()];
        let mut alliance = vec![None; places.len()];
        for &i in members {
            let r = &out[i].row;
            match r.org_id {
                Some(o) => at[row_of(o)][column(&r.place)] = Some(i),
                None => alliance[column(&r.place)] = Some(i),
            }
        }
        let figure = |i: Option<usize>, households: bool| -> u64 {
            i.map_or(0, |i| {
                let r = &out[i].row;
                if households {
                    r.households.unwrap_or(0)
                } else {
                    r.persons
                }
            })
        };
        let mut to_hide: Vec<(usize, bool)> = Vec::new();
        for households in [false, true] {
            if households && out[members[0]].row.households.is_none() {
                continue;
            }
            let cells: Vec<Vec<u64>> = at
                .iter()
                .map(|row| row.iter().map(|&i| figure(i, households)).collect())
                .collect();
            let mut grid = super::suppress::Grid::summed(cells, true, false, false);
            grid.column_totals = Some(alliance.iter().map(|&i| figure(i, households)).collect());
            grid.grand_total = Some(grid.column_totals.iter().flatten().sum());
            grid.known_cells = at
                .iter()
                .enumerate()
                .map(|(r, row)| {
                    row.iter()
                        .map(|i| i.is_none() || orgs[r] == reader)
                        .collect()
                })
                .collect();
            grid.known_row_totals = orgs.iter().map(|&o| o == reader).collect();
            let hidden = grid.suppress();
            for (r, row) in at.iter().enumerate() {
                for (c, i) in row.iter().enumerate() {
                    if let Some(i) = *i
                        && hidden.cells[r][c]
                    {
                        to_hide.push((i, households));
                    }
                }
            }
            for (c, i) in alliance.iter().enumerate() {
                if let Some(i) = *i
                    && hidden.column_totals[c]
                {
                    to_hide.push((i, households));
                }
            }
        }
        for (i, households) in to_hide {
            hide(&mut out[i], households);
        }
    }
    out
}

fn hide(s: &mut Shown, households: bool) {
    if households {
        s.households_shown = None;
    } else {
        s.persons_shown = None;
    }
    s.quantity_shown = None;
    s.value_shown = None;
}
