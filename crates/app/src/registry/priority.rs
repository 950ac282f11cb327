//! "Most in need first": a score per household from what the registry knows of it, to rank a
//! member's households for a distribution. The weights are the user's to set; the defaults
//! favour large families with children, elderly or disabled members, families headed by a woman,
//! families with a low income per person, and families that received little assistance lately.

use super::store::{Stored, parse_order, read_stored, stored_select};
use crate::access::Actor;
use crate::db::Db;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};

/// The weight of each trait of a household in its score.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Weights {
    /// Per person in the household (as this member registered it).
    pub size: f64,
    /// Per child under 18.
    pub children: f64,
    /// Per person aged 65 or more.
    pub elderly: f64,
    /// Per person with a disability.
    pub disability: f64,
    /// When the head of the family is a woman.
    pub female_head: f64,
    /// Per 1,000 pounds of monthly household income per person (households whose lists give no
    /// income score nothing here).
    pub income: f64,
    /// Per assistance entry the household received (from any member) in the last `months`.
    pub recent_assistance: f64,
    pub months: i64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            size: 1.0,
            children: 1.0,
            elderly: 1.5,
            disability: 2.0,
            female_head: 2.0,
            income: -1.0,
            recent_assistance: -2.0,
            months: 6,
        }
    }
}

impl Weights {
    fn check(&self) -> Result<()> {
        let ok = |w: f64| w.is_finite() && w.abs() <= 100.0;
        if ![
            self.size,
            self.children,
            self.elderly,
            self.disability,
            self.female_head,
            self.income,
            self.recent_assistance,
        ]
        .into_iter()
        .all(ok)
            || !(1..=60).contains(&self.months)
        {
            return Err(Error::field("weights", "err-weights"));
        }
        Ok(())
    }
}

/// One household in the ranking, as the member who registered it sees it.
#[derive(Debug, Clone, Serialize)]
pub struct Ranked {
    pub rank: usize,
    pub household_id: i64,
    /// The member's own registration of the head (or of its first person in the household).
    pub head_name: String,
    pub member_key: String,
    /// The household's number on the member's own list (empty when the list had none).
    pub household_ref: String,
    pub phone: String,
    pub governorate: String,
    pub village: String,
    pub address: String,
    pub size: usize,
    pub children: usize,
    pub elderly: usize,
    pub disabled: usize,
    pub female_head: bool,
    /// Monthly household income per person in pounds, when a list gave the income.
    pub income_per_person: Option<i64>,
    pub recent_assistance: i64,
    pub score: f64,
    /// The registration shown (its id and member), its markaz as typed: for the resource pool,
    /// never shown to another member.
    #[serde(skip)]
    pub record_id: i64,
    #[serde(skip)]
    pub org_id: i64,
    #[serde(skip)]
    pub district: String,
}

/// Whether a list's disability cell says the person has one: any answer but an empty or a "no".
fn has_disability(cell: &str) -> bool {
    let v = link::normalize::arabic::fold(cell.trim()).to_lowercase();
    !matches!(
        v.as_str(),
        "" | "لا" | "لا يوجد" | "لايوجد" | "سليم" | "no" | "n" | "none" | "0" | "false" | "-"
    )
}

/// A monthly income as lists write it (`1,500`, `١٥٠٠ جنيه`, `1500 EGP`), in pounds.
fn income(cell: &str) -> Option<f64> {
    let v: String = link::normalize::arabic::fold(cell)
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    v.parse::<f64>()
        .ok()
        .filter(|x| x.is_finite() && *x < 10_000_000.0)
}

/// The actor's member's households, highest score first. The secretariat has no households of
/// its own: it sees the registry's need summed by governorate ([`by_governorate`]).
pub async fn rank(db: &Db, actor: &Actor, weights: &Weights) -> Result<Vec<Ranked>> {
    if actor.sees_all() {
        return Err(Error::Forbidden);
    }
    weights.check()?;
    // Only this member's own registrations: what another member recorded of a household (its
    // other persons, their ages, disabilities, income) is that member's data, and the privacy
    // model lets it reach this member only as overlap facts. The one overlap fact used here is
    // the assistance the household received from any member (below), the same fact the ledger's
    // overlap warning already tells.
    let rows: Vec<Stored> = read_stored(
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{} WHERE r.org_id = $1 ORDER BY r.id",
            stored_select(db.kind)
        )))
        .bind(actor.org_id)
        .fetch_all(&db.pool)
        .await?,
    )?;
    Ok(score(
        &rows,
        &recent_assistance(db, weights).await?,
        weights,
    ))
}

/// Assistance entries (not cancelled) each household received from any member in the weights'
/// window.
async fn recent_assistance(db: &Db, weights: &Weights) -> Result<HashMap<i64, i64>> {
    let today = time::OffsetDateTime::now_utc().date();
    let cutoff = (today - time::Duration::days(30 * weights.months)).to_string();
    let recent: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT r.household_id, COUNT(*) FROM assistance a JOIN registry_records r ON r.id = a.record_id \
         WHERE a.given_on >= $1 AND a.reverses_id IS NULL \
         AND NOT EXISTS (SELECT 1 FROM assistance x WHERE x.reverses_id = a.id) GROUP BY r.household_id",
    )
    .bind(&cutoff)
    .fetch_all(&db.pool)
    .await?;
    Ok(recent.into_iter().collect())
}

/// The households of the registrations `rows`, scored by `weights`, highest score first.
fn score(rows: &[Stored], recent: &HashMap<i64, i64>, weights: &Weights) -> Vec<Ranked> {
    let today = time::OffsetDateTime::now_utc().date();
    #[derive(Default)]
    struct Acc<'a> {
        persons: HashSet<i64>,
        children: HashSet<i64>,
        elderly: HashSet<i64>,
        disabled: HashSet<i64>,
        /// The largest monthly income any registration of the household gives.
        income: Option<f64>,
        female_head: bool,
        shown: Option<(&'a Stored, bool)>,
        phone: String,
    }
    let mut households: BTreeMap<i64, Acc> = BTreeMap::new();
    for s in rows {
        let r = link::record::normalize(&s.raw(), parse_order(&s.date_order));
        let acc = households.entry(s.household_id).or_default();
        acc.persons.insert(s.person_id);
        if let Some(d) = r.dob {
            let age = today.year() - d.year;
            if age < 18 {
                acc.children.insert(s.person_id);
            } else if age >= 65 {
                acc.elderly.insert(s.person_id);
            }
        }
        if has_disability(&s.raw.disability) {
            acc.disabled.insert(s.person_id);
        }
        if let Some(x) = income(&s.raw.monthly_income) {
            acc.income = Some(acc.income.map_or(x, |y: f64| y.max(x)));
        }
        let head = matches!(r.relation, Some(link::normalize::Relation::Head));
        if head && r.male == Some(false) {
            acc.female_head = true;
        }
        if acc.shown.is_none_or(|(_, was_head)| head && !was_head) {
            acc.shown = Some((s, head));
        }
        // The head's phone, else any the household gave.
        if !s.raw.phone.trim().is_empty() && (acc.phone.is_empty() || head) {
            acc.phone = s.raw.phone.clone();
        }
    }
    let mut out: Vec<Ranked> = households
        .into_iter()
        .filter_map(|(id, acc)| {
            let (shown, _) = acc.shown?;
            let received = recent.get(&id).copied().unwrap_or(0);
            let per_person = acc.income.map(|x| x / acc.persons.len().max(1) as f64);
            let score = weights.size * acc.persons.len() as f64
                + weights.children * acc.children.len() as f64
                + weights.elderly * acc.elderly.len() as f64
                + weights.disability * acc.disabled.len() as f64
                + weights.income * per_person.unwrap_or(0.0) / 1000.0
                + if acc.female_head {
                    weights.female_head
                } else {
                    0.0
                }
                + weights.recent_assistance * received as f64;
            Some(Ranked {
                rank: 0,
                household_id: id,
                head_name: shown.display_name(),
                member_key: shown.member_key().to_owned(),
                household_ref: shown.raw.household_ref.clone(),
                phone: acc.phone.clone(),
                governorate: shown.raw.governorate.clone(),
                village: shown.raw.village.clone(),
                address: shown.raw.address.clone(),
                size: acc.persons.len(),
                children: acc.children.len(),
                elderly: acc.elderly.len(),
                disabled: acc.disabled.len(),
                female_head: acc.female_head,
                income_per_person: per_person.map(|x| x.round() as i64),
                recent_assistance: received,
                score: (score * 100.0).round() / 100.0,
                record_id: shown.id,
                org_id: shown.org_id,
                district: shown.raw.district.clone(),
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.household_id.cmp(&b.household_id))
    });
    for (i, r) in out.iter_mut().enumerate() {
        r.rank = i + 1;
    }
    out
}

/// The registry's need in one governorate, as the secretariat plans with it: households (each
/// once, whoever registered it), their people, and the households in the alliance's neediest
/// quarter by the same score. No one is named.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Need {
    /// The governorate's name in Arabic and English (as typed when no governorate is known by it).
    pub governorate_ar: String,
    pub governorate_en: String,
    pub households: usize,
    pub persons: usize,
    pub children: usize,
    pub elderly: usize,
    pub disabled: usize,
    pub female_head: usize,
    /// Households with no assistance in the weights' window.
    pub unassisted: usize,
    /// Households whose score is in the top quarter of the whole registry.
    pub neediest: usize,
}

/// The secretariat's view of "most in need first": every household of the registry scored with
/// `weights`, summed by governorate (most neediest households first).
pub async fn by_governorate(db: &Db, actor: &Actor, weights: &Weights) -> Result<Vec<Need>> {
    if !actor.sees_all() {
        return Err(Error::Forbidden);
    }
    weights.check()?;
    let rows: Vec<Stored> = read_stored(
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{} ORDER BY r.id",
            stored_select(db.kind)
        )))
        .fetch_all(&db.pool)
        .await?,
    )?;
    let ranked = score(&rows, &recent_assistance(db, weights).await?, weights);
    // The top quarter: ranks are 1-based and the list is sorted highest first.
    let quarter = ranked.len().div_ceil(4);
    let mut by: BTreeMap<String, Need> = BTreeMap::new();
    for r in &ranked {
        let known = link::normalize::place::governorate_code(&r.governorate)
            .and_then(link::normalize::place::by_code);
        let key = known.map_or_else(|| r.governorate.clone(), |g| g.code.to_owned());
        let n = by.entry(key).or_insert_with(|| Need {
            governorate_ar: known.map_or_else(|| r.governorate.clone(), |g| g.name_ar.to_owned()),
            governorate_en: known.map_or_else(|| r.governorate.clone(), |g| g.name_en.to_owned()),
            ..Need::default()
        });
        n.households += 1;
        n.persons += r.size;
        n.children += r.children;
        n.elderly += r.elderly;
        n.disabled += r.disabled;
        n.female_head += usize::from(r.female_head);
        n.unassisted += usize::from(r.recent_assistance == 0);
        n.neediest += usize::from(r.rank <= quarter);
    }
    let mut out: Vec<Need> = by.into_values().collect();
    out.sort_by(|a, b| {
        b.neediest
            .cmp(&a.neediest)
            .then(b.households.cmp(&a.households))
    });
    Ok(out)
}

/// Every household of the registry, whoever registered it, scored by the default weights,
/// highest first: the resource pool draws needs from it (`pool::draw`, the secretariat's).
pub async fn whole_registry(db: &Db) -> Result<Vec<Ranked>> {
    let weights = Weights::default();
    let rows: Vec<Stored> = read_stored(
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{} ORDER BY r.id",
            stored_select(db.kind)
        )))
        .fetch_all(&db.pool)
        .await?,
    )?;
    Ok(score(
        &rows,
        &recent_assistance(db, &weights).await?,
        &weights,
    ))
}

/// The households in the top quarter of the whole registry by the default weights: the "most
/// in need" of the coverage map. Only counts of them leave the coordination pages.
pub async fn neediest(db: &Db) -> Result<HashSet<i64>> {
    let ranked = whole_registry(db).await?;
    let quarter = ranked.len().div_ceil(4);
    Ok(ranked
        .iter()
        .filter(|r| r.rank <= quarter)
        .map(|r| r.household_id)
        .collect())
}

/// The secretariat's summary as a table, for its export.
pub fn need_table(need: &[Need], locale: crate::i18n::Locale) -> crate::table::export::Table {
    let header = [
        "field-governorate",
        "priority-households",
        "priority-persons",
        "priority-children",
        "priority-elderly",
        "priority-disabled",
        "priority-female-headed",
        "priority-unassisted",
        "priority-neediest",
    ]
    .iter()
    .map(|k| locale.t(k))
    .collect();
    let rows = need
        .iter()
        .map(|n| {
            vec![
                if locale == crate::i18n::Locale::Ar {
                    n.governorate_ar.as_str()
                } else {
                    n.governorate_en.as_str()
                }
                .into(),
                n.households.into(),
                n.persons.into(),
                n.children.into(),
                n.elderly.into(),
                n.disabled.into(),
                n.female_head.into(),
                n.unassisted.into(),
                n.neediest.into(),
            ]
        })
        .collect();
    (header, rows)
}

/// The ranking as a table: a header in the user's language and one row per household (written
/// out by [`crate::table::export`], which neutralises formulas).
pub fn table(ranked: &[Ranked], locale: crate::i18n::Locale) -> crate::table::export::Table {
    let header = [
        "priority-rank",
        "priority-household-ref",
        "field-member_key",
        "field-full_name",
        "field-phone",
        "field-governorate",
        "field-village",
        "field-address",
        "priority-size",
        "priority-children",
        "priority-elderly",
        "priority-disabled",
        "priority-female-head",
        "priority-recent",
        "priority-income",
        "priority-score",
    ]
    .iter()
    .map(|k| locale.t(k))
    .collect();
    let rows = ranked
        .iter()
        .map(|r| {
            vec![
                r.rank.into(),
                r.household_ref.as_str().into(),
                r.member_key.as_str().into(),
                r.head_name.as_str().into(),
                r.phone.as_str().into(),
                r.governorate.as_str().into(),
                r.village.as_str().into(),
                r.address.as_str().into(),
                r.size.into(),
                r.children.into(),
                r.elderly.into(),
                r.disabled.into(),
                locale.t(if r.female_head { "yes" } else { "no" }).into(),
                r.recent_assistance.into(),
                r.income_per_person.into(),
                r.score.into(),
            ]
        })
        .collect();
    (header, rows)
}

#[cfg(test)]
mod tests {
    use super::{has_disability, income};

    #[test]
    fn disability_and_income_cells_are_read_as_lists_write_them() {
        for yes in ["نعم", "حركية", "yes", "1", "كفيف"] {
            assert!(has_disability(yes), "{yes}");
        }
        for no in ["", " لا ", "لا يوجد", "No", "0", "-"] {
            assert!(!has_disability(no), "{no}");
        }
        assert_eq!(income("1,500"), Some(1500.0));
        assert_eq!(income("١٥٠٠ جنيه"), Some(1500.0));
        assert_eq!(income("2500 EGP"), Some(2500.0));
        assert_eq!(income("بدون"), None);
    }
}
