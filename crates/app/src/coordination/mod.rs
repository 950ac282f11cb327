//! Coordination: the alliance's one picture of who does what, where and when.
//!
//! Everything here is computed from what members already record — registrations, the assistance
//! ledger, and the activities they report ([`activities`]) — so nobody types a number twice.
//! [`fourw`] is the 4W (counted from the ledger, each person once; reported from activities);
//! [`suppress`] hides small counts in what is published so that none can be worked out by
//! subtraction; [`observatory`] is the public page of live counters built on both;
//! [`coverage`] sets need against aid place by place, drawn on [`map`]; [`goals`] are the
//! alliance's shared targets and their progress.

pub mod activities;
pub mod coverage;
pub mod fourw;
pub mod goals;
pub mod map;
pub mod observatory;
pub mod routes;
pub mod suppress;
pub mod today;

use link::normalize::place::{self, GOVERNORATES};
use std::collections::HashMap;

/// How finely a table splits places.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    #[default]
    Governorate,
    District,
    Village,
}

impl Level {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "governorate" => Some(Level::Governorate),
            "district" => Some(Level::District),
            "village" => Some(Level::Village),
            _ => None,
        }
    }
}

/// How finely a table splits time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    #[default]
    Month,
    Quarter,
    Year,
    All,
}

impl Period {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "month" => Some(Period::Month),
            "quarter" => Some(Period::Quarter),
            "year" => Some(Period::Year),
            "all" => Some(Period::All),
            _ => None,
        }
    }

    /// The first day of the period an ISO date falls in (`""` for [`Period::All`]).
    pub fn start(self, date: &str) -> String {
        let (y, m) = (
            date.get(..4).unwrap_or("0000"),
            date.get(5..7).unwrap_or("01"),
        );
        match self {
            Period::Month => format!("{y}-{m}-01"),
            Period::Quarter => {
                let m: u8 = m.parse().unwrap_or(1);
                format!("{y}-{:02}-01", (m.saturating_sub(1) / 3) * 3 + 1)
            }
            Period::Year => format!("{y}-01-01"),
            Period::All => String::new(),
        }
    }

    /// The first and last day of the period that starts on `start`; for [`Period::All`], the
    /// span asked for or seen (`span`).
    pub fn bounds(self, start: &str, span: &(String, String)) -> (String, String) {
        let months = match self {
            Period::Month => 1,
            Period::Quarter => 3,
            Period::Year => 12,
            Period::All => return span.clone(),
        };
        let y: i32 = start.get(..4).and_then(|y| y.parse().ok()).unwrap_or(0);
        let m: u8 = start.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(1);
        let last_month = m + months - 1;
        let last_day = time::Month::try_from(last_month)
            .map(|month| time::util::days_in_month(month, y))
            .unwrap_or(31);
        (
            start.to_owned(),
            format!("{y:04}-{last_month:02}-{last_day:02}"),
        )
    }
}

/// Where something happened, as far down as a table splits: a governorate (its national-ID
/// code and names), a district and a village (as members spell them, the most common spelling
/// shown). Below the table's level the names are empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct Place {
    pub adm1_code: String,
    pub adm1_name: String,
    pub adm1_name_en: String,
    pub adm2_name: String,
    pub adm3_name: String,
}

/// The governorate of a name as typed, or of a two-digit code.
pub fn governorate(raw: &str) -> Option<&'static place::Governorate> {
    place::governorate_code(raw).and_then(place::by_code)
}

/// Places met while counting: typed names grouped by their normalised key, and each key's
/// spellings counted, so that a table shows the spelling most members use.
#[derive(Default)]
pub struct Places {
    governorates: HashMap<String, Option<&'static place::Governorate>>,
    spellings: HashMap<(String, String), HashMap<String, usize>>,
}

impl Places {
    /// The place of a registration or activity at `level`, its district and village named by
    /// their keys (see [`Places::named`]).
    pub fn place(&mut self, gov: &str, district: &str, village: &str, level: Level) -> Place {
        self.place_weighted(gov, district, village, level, 1)
    }

    /// [`Places::place`] for a spelling met `times` times.
    pub fn place_weighted(
        &mut self,
        gov: &str,
        district: &str,
        village: &str,
        level: Level,
        times: usize,
    ) -> Place {
        let g = *self
            .governorates
            .entry(gov.to_owned())
            .or_insert_with(|| governorate(gov));
        let mut out = match g {
            Some(g) => Place {
                adm1_code: g.code.to_owned(),
                adm1_name: g.name_ar.to_owned(),
                adm1_name_en: g.name_en.to_owned(),
                ..Place::default()
            },
            // A governorate nobody could read stays as typed, apart from the known ones.
            None => Place {
                adm1_name: gov.trim().to_owned(),
                adm1_name_en: gov.trim().to_owned(),
                ..Place::default()
            },
        };
        if level != Level::Governorate {
            out.adm2_name = self.key(&out.adm1_code, district, times);
        }
        if level == Level::Village {
            out.adm3_name = self.key(
                &format!("{}/{}", out.adm1_code, out.adm2_name),
                village,
                times,
            );
        }
        out
    }

    fn key(&mut self, within: &str, raw: &str, times: usize) -> String {
        let key = place::area_key(raw);
        if !key.is_empty() {
            *self
                .spellings
                .entry((within.to_owned(), key.clone()))
                .or_default()
                .entry(raw.trim().to_owned())
                .or_default() += times;
        }
        key
    }

    /// `place` with its district and village keys replaced by their most common spellings.
    pub fn named(&self, place: &Place) -> Place {
        let spelling = |within: &str, key: &str| -> String {
            self.spellings
                .get(&(within.to_owned(), key.to_owned()))
                .and_then(|s| {
                    s.iter()
                        .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
                        .map(|(name, _)| name.clone())
                })
                .unwrap_or_default()
        };
        let mut out = place.clone();
        if !place.adm2_name.is_empty() {
            out.adm2_name = spelling(&place.adm1_code, &place.adm2_name);
        }
        if !place.adm3_name.is_empty() {
            out.adm3_name = spelling(
                &format!("{}/{}", place.adm1_code, place.adm2_name),
                &place.adm3_name,
            );
        }
        out
    }
}

/// The governorates for a form's choice, in the order of their codes.
pub fn governorate_choices() -> Vec<minijinja::Value> {
    GOVERNORATES
        .iter()
        .map(|g| minijinja::context! { code => g.code, name_ar => g.name_ar, name_en => g.name_en })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_have_their_calendar_bounds() {
        let none = (String::new(), String::new());
        assert_eq!(Period::Month.start("2026-02-17"), "2026-02-01");
        assert_eq!(
            Period::Month.bounds("2024-02-01", &none),
            ("2024-02-01".into(), "2024-02-29".into())
        );
        assert_eq!(Period::Quarter.start("2026-08-30"), "2026-07-01");
        assert_eq!(Period::Quarter.bounds("2026-07-01", &none).1, "2026-09-30");
        assert_eq!(Period::Year.bounds("2026-01-01", &none).1, "2026-12-31");
        let span = ("2026-01-05".to_owned(), "2026-03-09".to_owned());
        assert_eq!(Period::All.bounds("", &span), span);
    }

    #[test]
    fn spellings_of_one_place_are_one_place_named_as_most_write_it() {
        let mut places = Places::default();
        let a = places.place("أسيوط", "مركز أبنوب", "قرية الحمام", Level::Village);
        let b = places.place("اسيوط", "ابنوب", "الحمام", Level::Village);
        let c = places.place("Asyut", "أبنوب", "الحمام", Level::Village);
        assert_eq!(a, b);
        assert_eq!(b, c);
        let named = places.named(&a);
        assert_eq!(named.adm1_code, "25");
        assert_eq!(named.adm1_name, "أسيوط");
        assert_eq!(named.adm2_name, "أبنوب");
        assert_eq!(named.adm3_name, "الحمام");
    }
}
