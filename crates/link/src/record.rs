//! A member's row as typed, and its normalised form.

use crate::normalize::date::{self, Dob, Order};
use crate::normalize::national_id::{self, NationalId};
use crate::normalize::{Relation, arabic, gender, latin, other_id, phone, place, relation};

/// One registration as a member typed it. Every field is text; empty means not recorded.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct RawRecord {
    pub record_id: String,
    pub member_org: String,
    pub household_ref: String,
    pub relation_to_head: String,
    pub full_name: String,
    pub first_name: String,
    pub father_name: String,
    pub grandfather_name: String,
    pub family_name: String,
    pub gender: String,
    pub date_of_birth: String,
    pub age: String,
    pub national_id: String,
    /// Another identity number (refugee registration, passport…), for people without a
    /// national ID on the list.
    pub other_id: String,
    pub phone: String,
    pub governorate: String,
    pub district: String,
    pub village: String,
    pub address: String,
    pub registered_at: String,
    /// Not used for linkage; the registry keeps them for its "most in need" score: a
    /// disability (any answer but no), and the household's monthly income in pounds.
    pub disability: String,
    pub monthly_income: String,
}

/// Something wrong with a row that a member should hear about. The row is still used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Problem {
    NoName,
    IdDamagedByExcel,
    IdMalformed,
    /// A well-formed ID whose birth date or gender disagrees with the row (often a relative's ID).
    IdInconsistent,
    DateUnreadable,
    PhoneUnreadable,
    GovernorateUnknown,
    /// A gender that is none of the spellings read (`X`, `؟`): the row is used without it.
    GenderUnreadable,
}

impl Problem {
    pub fn describe(self) -> &'static str {
        match self {
            Problem::NoName => "no name",
            Problem::IdDamagedByExcel => "national ID damaged by Excel (scientific notation)",
            Problem::IdMalformed => "national ID is not a valid 14-digit number",
            Problem::IdInconsistent => "national ID disagrees with birth date or gender",
            Problem::DateUnreadable => "date of birth could not be read",
            Problem::PhoneUnreadable => "phone is not an Egyptian mobile number",
            Problem::GovernorateUnknown => "unknown governorate",
            Problem::GenderUnreadable => "gender could not be read",
        }
    }
}

/// A record ready for comparison.
#[derive(Debug, Clone)]
pub struct Record {
    pub id: String,
    pub org: String,
    /// The member's own household registration (`org` + `household_ref`; without a
    /// `household_ref`, the record alone).
    pub household: String,
    /// Relation to the head of that registration, when given.
    pub relation: Option<Relation>,
    /// Name parts: folded Arabic, or lower-case Latin for transliterated names.
    pub names: Vec<String>,
    /// The same parts as consonant skeletons shared by both scripts.
    pub skeletons: Vec<String>,
    /// A 64-bit hash of each name part: comparisons test parts for equality millions of times.
    pub name_hashes: Vec<u64>,
    /// A hash of each Arabic part's letter shapes ([`arabic::shapes`]), for names misread from a
    /// scanned form; empty for Latin names.
    pub shape_hashes: Vec<u64>,
    pub latin: bool,
    /// How many times each name part occurs as a name part anywhere in the data (see
    /// [`count_names`]); 0 until counted.
    pub name_counts: Vec<u32>,
    pub male: Option<bool>,
    pub dob: Option<Dob>,
    /// The date was derived from an age (±1 year, often rounded).
    pub dob_approx: bool,
    pub nid: NationalId,
    /// The ID agrees with the row's own birth date and gender (or they are unknown).
    pub nid_consistent: bool,
    /// See [`crate::normalize::other_id`].
    pub other_id: Option<String>,
    pub phone: Option<String>,
    pub governorate: Option<&'static str>,
    pub district: String,
    pub village: String,
    /// The street address as one key (its [`place::address_words`] joined); empty when not
    /// given.
    pub address: String,
    /// The hashes of those words, sorted, without repeats.
    pub address_words: Vec<u64>,
    pub problems: Vec<Problem>,
}

impl Record {
    /// The ID digits when there are 13–14 of them (valid or with a typo).
    pub fn id_digits(&self) -> Option<&str> {
        match &self.nid {
            NationalId::Valid(v) => Some(&v.digits),
            NationalId::Malformed(d) if d.len() >= 13 && d.len() <= 15 => Some(d),
            _ => None,
        }
    }
}

/// Normalises a row; `order` is the file's date order (see [`date::infer_order`]).
pub fn normalize(raw: &RawRecord, order: Order) -> Record {
    let mut problems = Vec::new();
    let name_text = if raw.full_name.trim().is_empty() {
        [
            &raw.first_name,
            &raw.father_name,
            &raw.grandfather_name,
            &raw.family_name,
        ]
        .map(|s| s.trim())
        .join(" ")
    } else {
        raw.full_name.clone()
    };
    let latin = arabic::is_latin(&name_text);
    let names = if latin {
        latin::name_parts(&name_text)
    } else {
        arabic::name_parts(&arabic::fold(&name_text))
    };
    if names.is_empty() {
        problems.push(Problem::NoName);
    }
    let skeletons = names
        .iter()
        .map(|p| {
            if latin {
                latin::skeleton(p)
            } else {
                arabic::skeleton(p)
            }
        })
        .collect();
    let mut male = gender(&raw.gender);
    if male.is_none() && !raw.gender.trim().is_empty() {
        problems.push(Problem::GenderUnreadable);
    }
    let mut dob = date::parse(&raw.date_of_birth, order);
    if dob.is_none() && !raw.date_of_birth.trim().is_empty() {
        problems.push(Problem::DateUnreadable);
    }
    let mut dob_approx = false;
    if dob.is_none()
        && let Some(d) = date::from_age(&raw.age, &raw.registered_at)
    {
        dob = Some(d);
        dob_approx = true;
    }
    let nid = national_id::parse(&raw.national_id);
    let mut nid_consistent = true;
    match &nid {
        NationalId::Damaged => problems.push(Problem::IdDamagedByExcel),
        NationalId::Malformed(_) => problems.push(Problem::IdMalformed),
        NationalId::Valid(v) => {
            let birth_ok = dob.is_none_or(|d| {
                d.year == v.birth.year
                    && (d.month.is_none()
                        || d.is_placeholder_day()
                        || (d.month == v.birth.month && d.day == v.birth.day)
                        || (d.month == v.birth.day && d.day == v.birth.month))
                    || (dob_approx && (d.year - v.birth.year).abs() <= 2)
            });
            let gender_ok = male.is_none_or(|m| m == v.male);
            nid_consistent = birth_ok && gender_ok;
            if !nid_consistent {
                problems.push(Problem::IdInconsistent);
            } else {
                // A consistent ID fills in what the row left out.
                male = male.or(Some(v.male));
                if dob.is_none_or(|d| d.month.is_none() || d.is_placeholder_day() || dob_approx) {
                    dob = Some(v.birth);
                    dob_approx = false;
                }
            }
        }
        // Text with no digit that does not say "none" (`abc`): compared as no ID, but said
        // (zeros, what clerks type for "none", are not).
        NationalId::Missing
            if !raw.national_id.chars().any(char::is_numeric)
                && !national_id::is_placeholder(&arabic::fold(&raw.national_id)) =>
        {
            problems.push(Problem::IdMalformed)
        }
        NationalId::Missing => {}
    }
    let phone = phone::parse(&raw.phone);
    if phone.is_none() && !raw.phone.trim().is_empty() {
        problems.push(Problem::PhoneUnreadable);
    }
    let governorate = place::governorate_code(&raw.governorate);
    if governorate.is_none() && !raw.governorate.trim().is_empty() {
        problems.push(Problem::GovernorateUnknown);
    }
    let address_words = place::address_words(&raw.address);
    Record {
        id: raw.record_id.clone(),
        org: raw.member_org.clone(),
        // A member that does not number its households registers each person on their own.
        household: if raw.household_ref.trim().is_empty() {
            format!("{}\u{1f}\u{1e}{}", raw.member_org, raw.record_id)
        } else {
            format!("{}\u{1f}{}", raw.member_org, raw.household_ref.trim())
        },
        relation: relation(&raw.relation_to_head),
        name_hashes: names.iter().map(crate::stable_hash).collect(),
        shape_hashes: if latin {
            Vec::new()
        } else {
            names
                .iter()
                .map(|n| crate::stable_hash(arabic::shapes(n)))
                .collect()
        },
        names,
        skeletons,
        latin,
        name_counts: Vec::new(),
        male,
        dob,
        dob_approx,
        nid,
        nid_consistent,
        other_id: other_id::parse(&raw.other_id),
        phone,
        governorate,
        district: place::area_key(&raw.district),
        village: place::area_key(&raw.village),
        address: address_words.concat(),
        address_words: {
            let mut hashes: Vec<u64> = address_words.iter().map(crate::stable_hash).collect();
            hashes.sort_unstable();
            hashes.dedup();
            hashes
        },
        problems,
    }
}

/// Counts how often each name occurs across all records' name parts, and stores the count on
/// every part. Comparisons use it: two different spellings that are both common names are two
/// names (حسن and حسين, محمد and محمود), not one name misspelt.
pub fn count_names(records: &mut [Record]) {
    let mut counts: std::collections::HashMap<u64, u32> = std::collections::HashMap::new();
    for r in records.iter() {
        for h in &r.name_hashes {
            *counts.entry(*h).or_default() += 1;
        }
    }
    for r in records.iter_mut() {
        r.name_counts = r.name_hashes.iter().map(|h| counts[h]).collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_household_numbers_each_record_stands_alone() {
        let raw = |id: &str, household: &str| RawRecord {
            record_id: id.into(),
            member_org: "m".into(),
            household_ref: household.into(),
            full_name: "احمد محمد علي".into(),
            ..RawRecord::default()
        };
        let household = |id, h| normalize(&raw(id, h), Order::DayFirst).household;
        // Otherwise every row of such a member would be one family, and never one person twice.
        assert_ne!(household("1", ""), household("2", " "));
        assert_eq!(household("1", "H1 "), household("2", "H1"));
        assert_ne!(household("1", ""), household("2", "1"));
    }
}
