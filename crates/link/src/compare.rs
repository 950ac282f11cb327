//! Graded agreement levels per field. Level 0 always means "cannot tell" (a value is missing)
//! and contributes nothing to a score; higher levels mean weaker agreement.

use crate::normalize::national_id::{self, NationalId};
use crate::record::Record;
use strsim::jaro_winkler;

/// The fields compared, in the order of a [`Levels`] vector.
pub const FIELDS: [&str; 10] = [
    "national_id",
    "first_name",
    "father_name",
    "later_names",
    "birth_date",
    "gender",
    "phone",
    "place",
    "other_id",
    "address",
];

/// Names of each field's levels (index = level), for explanations.
pub const LEVEL_NAMES: [&[&str]; FIELDS.len()] = [
    &[
        "missing",
        "same",
        "same but disagrees with birth date or gender",
        "one digit off",
        "different",
    ],
    &[
        "missing",
        "same",
        "same spelling family",
        "similar",
        "different",
    ],
    &[
        "missing",
        "same",
        "same spelling family",
        "similar",
        "different",
    ],
    &[
        "missing",
        "all agree",
        "most agree",
        "some agree",
        "none agree",
    ],
    &[
        "missing",
        "same date",
        "day and month swapped",
        "same year",
        "within two years",
        "different",
    ],
    &["missing", "same", "different"],
    &["missing", "same", "different"],
    &[
        "missing",
        "same village",
        "same district or governorate",
        "different governorate",
    ],
    &["missing", "same", "one character off", "different"],
    &["missing", "same", "similar", "different"],
];

pub const NID: usize = 0;
pub const FIRST: usize = 1;
pub const FATHER: usize = 2;
pub const LATER: usize = 3;
pub const DOB: usize = 4;
pub const GENDER: usize = 5;
pub const PHONE: usize = 6;
pub const PLACE: usize = 7;
pub const OTHER_ID: usize = 8;
pub const ADDRESS: usize = 9;

pub type Levels = [u8; FIELDS.len()];
/// A weight per field, in the order of [`FIELDS`].
pub type Weights = [f64; FIELDS.len()];

/// Two spellings that each occur at least this often are two names, not a typo of one: a
/// slip of the keyboard rarely lands on another name that many people carry.
pub const DISTINCT_NAME_MIN: u32 = 5;

/// The Jaro–Winkler similarity of `a` and `b` when it can reach `floor`, else a value below it.
/// Most names compared (random pairs, later parts looked up across a chain) share few letters:
/// a bound from the letters they share settles those without the full measure.
fn similarity_from(a: &str, b: &str, floor: f64) -> f64 {
    // Letters counted by code point modulo 64 (the Arabic letters do not collide): merging
    // letters can only raise the count of shared ones, so the bound stays a bound.
    if a.is_empty() || b.is_empty() {
        return jaro_winkler(a, b);
    }
    let mut counts = [0u32; 64];
    let (mut len_a, mut len_b, mut shared) = (0usize, 0usize, 0usize);
    for c in a.chars() {
        counts[c as usize % 64] += 1;
        len_a += 1;
    }
    for c in b.chars() {
        let k = &mut counts[c as usize % 64];
        if *k > 0 {
            *k -= 1;
            shared += 1;
        }
        len_b += 1;
    }
    if shared == 0 {
        return 0.0;
    }
    // Jaro is the mean of m/|a|, m/|b| and (m - t)/m with m matches, at most the shared
    // letters; Winkler's bonus adds at most 0.4 of what is left.
    let m = shared as f64;
    let jaro_at_most = (m / len_a as f64 + m / len_b as f64 + 1.0) / 3.0;
    if jaro_at_most + 0.4 * (1.0 - jaro_at_most) < floor {
        return 0.0;
    }
    jaro_winkler(a, b)
}

/// How alike two name parts are: 1 same, 2 same spelling family, 3 similar, 4 different.
pub fn name_level(a: &Record, ia: usize, b: &Record, ib: usize) -> u8 {
    let (na, nb) = (&a.names[ia], &b.names[ib]);
    let (sa, sb) = (&a.skeletons[ia], &b.skeletons[ib]);
    // Equal hashes are equal names (64 bits: no collision among the few hundred thousand
    // distinct names of a registry in practice).
    let same = a.name_hashes[ia] == b.name_hashes[ib];
    if !a.latin && !b.latin {
        if same {
            return 1;
        }
        let count = |r: &Record, i: usize| r.name_counts.get(i).copied().unwrap_or(0);
        if count(a, ia).min(count(b, ib)) >= DISTINCT_NAME_MIN {
            return 4;
        }
        // Arabic on both sides: a typo or spelling variant is close in letters.
        let jw = similarity_from(na, nb, 0.86);
        if jw >= 0.93 && na.chars().count() >= 4 {
            return 2;
        }
        if jw >= 0.86 || (sa == sb && !sa.is_empty()) {
            return 3;
        }
        return 4;
    }
    if sa == sb && !sa.is_empty() {
        return if a.latin == b.latin && same { 1 } else { 2 };
    }
    if similarity_from(sa, sb, 0.88) >= 0.88 && sa.len().min(sb.len()) >= 3 {
        return 3;
    }
    4
}

fn later_level(a: &Record, b: &Record) -> u8 {
    let (ra, rb) = (
        a.names.len().saturating_sub(2),
        b.names.len().saturating_sub(2),
    );
    if ra == 0 || rb == 0 {
        return 0;
    }
    // Later parts (grandfather, great-grandfather, family) may be dropped or swapped: count
    // how many of the shorter chain's parts appear anywhere in the other's.
    let (short, long, short_is_a) = if ra <= rb {
        (a, b, true)
    } else {
        (b, a, false)
    };
    let mut found = 0;
    for i in 2..short.names.len() {
        // The same part is most often there as it is: look for it before weighing spellings
        // (between Arabic names an equal part is level 1, see `name_level`).
        let exact =
            !short.latin && !long.latin && long.name_hashes[1..].contains(&short.name_hashes[i]);
        let hit = exact
            || (1..long.names.len()).any(|j| {
                let lvl = if short_is_a {
                    name_level(short, i, long, j)
                } else {
                    name_level(long, j, short, i)
                };
                lvl <= 2
            });
        if hit {
            found += 1;
        }
    }
    let total = short.names.len() - 2;
    if found == total {
        1
    } else if found * 2 >= total {
        2
    } else if found > 0 {
        3
    } else {
        4
    }
}

fn dob_level(a: &Record, b: &Record) -> u8 {
    let (Some(x), Some(y)) = (a.dob, b.dob) else {
        return 0;
    };
    let full = |d: &crate::normalize::date::Dob| d.month.is_some() && !d.is_placeholder_day();
    if full(&x) && full(&y) && !a.dob_approx && !b.dob_approx {
        if x == y {
            return 1;
        }
        if x.year == y.year && x.month == y.day && x.day == y.month {
            return 2;
        }
        // A one-digit slip in the year (1978/1987 is not one, 1978/1979 is).
        if x.month == y.month && x.day == y.day && (x.year - y.year).abs() <= 1 {
            return 2;
        }
        return 5;
    }
    let gap = (x.year - y.year).abs();
    if gap == 0 {
        3
    } else if gap <= 2 {
        4
    } else {
        5
    }
}

fn place_level(a: &Record, b: &Record) -> u8 {
    match (a.governorate, b.governorate) {
        (Some(x), Some(y)) if x != y => 3,
        (Some(_), Some(_)) => {
            if !a.village.is_empty() && a.village == b.village {
                1
            } else {
                2
            }
        }
        _ => 0,
    }
}

/// Compares two records field by field.
/// National IDs: 1 the same valid ID agreeing with both rows, 2 the same digits otherwise, 3 one
/// digit off or two swapped, 4 different, 0 unknown.
pub fn nid_level(a: &Record, b: &Record) -> u8 {
    match (a.id_digits(), b.id_digits()) {
        (Some(x), Some(y)) => match national_id::compare(x, y) {
            national_id::IdAgreement::Same => {
                if a.nid_consistent && b.nid_consistent && matches!(a.nid, NationalId::Valid(_)) {
                    1
                } else {
                    2
                }
            }
            national_id::IdAgreement::OneOff => 3,
            national_id::IdAgreement::Different => 4,
        },
        _ => 0,
    }
}

/// Gender: 1 the same, 2 different, 0 unknown.
pub fn gender_level(a: &Record, b: &Record) -> u8 {
    match (a.male, b.male) {
        (Some(x), Some(y)) if x == y => 1,
        (Some(_), Some(_)) => 2,
        _ => 0,
    }
}

pub fn compare(a: &Record, b: &Record) -> Levels {
    let nid = nid_level(a, b);
    let first = if a.names.is_empty() || b.names.is_empty() {
        0
    } else {
        name_level(a, 0, b, 0)
    };
    let father = if a.names.len() < 2 || b.names.len() < 2 {
        0
    } else {
        name_level(a, 1, b, 1)
    };
    let gender = gender_level(a, b);
    let phone = match (&a.phone, &b.phone) {
        (Some(x), Some(y)) => {
            if x == y {
                1
            } else {
                2
            }
        }
        _ => 0,
    };
    [
        nid,
        first,
        father,
        later_level(a, b),
        dob_level(a, b),
        gender,
        phone,
        place_level(a, b),
        other_id_level(a, b),
        address_level(a, b),
    ]
}

/// Another identity number: 1 the same, 2 one character off or two swapped, 3 different.
fn other_id_level(a: &Record, b: &Record) -> u8 {
    match (&a.other_id, &b.other_id) {
        (Some(x), Some(y)) => match national_id::compare(x, y) {
            national_id::IdAgreement::Same => 1,
            national_id::IdAgreement::OneOff => 2,
            national_id::IdAgreement::Different => 3,
        },
        _ => 0,
    }
}

/// Street address: 1 the same, 2 similar (a typo or a word more), 3 different.
fn address_level(a: &Record, b: &Record) -> u8 {
    let (x, y) = (&a.address, &b.address);
    if x.is_empty() || y.is_empty() {
        0
    } else if x == y {
        1
    } else if similarity_from(x, y, 0.9) >= 0.9 {
        2
    } else {
        3
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn similarity_is_jaro_winkler_above_the_floor() {
        for (a, b) in [
            ("محمد", "محمود"),
            ("عبدالرحمن", "عبدالرحمان"),
            ("فاطمه", "فاطمة"),
            ("mhmd", "mhmmd"),
            ("شناوي", "شرقاوي"),
            ("a", ""),
        ] {
            let jw = jaro_winkler(a, b);
            for floor in [0.0, 0.5, 0.86, 0.93] {
                let s = similarity_from(a, b, floor);
                assert!(s == jw || (s < floor && jw < floor), "{a} {b} {floor}");
            }
        }
        assert_eq!(similarity_from("سعيد", "كمال", 0.86), 0.0, "nothing shared");
    }

    proptest! {
        #[test]
        fn the_bound_never_hides_a_close_pair(
            a in "[ابتثجحخدذرزسشصضطظعغفقكلمنهوي a-e]{0,12}",
            b in "[ابتثجحخدذرزسشصضطظعغفقكلمنهوي a-e]{0,12}",
            floor in 0.0f64..1.0,
        ) {
            let jw = jaro_winkler(&a, &b);
            let s = similarity_from(&a, &b, floor);
            prop_assert!(s == jw || (s < floor && jw < floor), "{} {} {}", a, b, jw);
        }
    }
}
