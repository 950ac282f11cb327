//! Egyptian national ID numbers: `C YYMMDD GG SSS G K` — century (2 = 1900s, 3 = 2000s), birth
//! date, birth governorate, a sequence whose last digit is odd for men and even for women, and a
//! check digit. The check digit's algorithm is not official: it is only a soft signal here.

use super::arabic::fold;
use super::date::Dob;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NationalId {
    /// Not given, or a placeholder (`0`, `-`, `لا يوجد`, `بدون`, all zeros).
    Missing,
    /// Given but unusable: Excel's scientific notation (`2.90052E+13`) lost the digits.
    Damaged,
    /// Digits that are not a well-formed ID (wrong length, impossible date): kept for the
    /// "one digit off" comparison only.
    Malformed(String),
    Valid(ValidId),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidId {
    pub digits: String,
    pub birth: Dob,
    /// `true` for a man.
    pub male: bool,
    pub governorate: String,
    pub check_digit_ok: bool,
}

const PLACEHOLDERS: [&str; 8] = ["-", "لا يوجد", "لايوجد", "بدون", "none", "n a", "na", "null"];

/// Governorate codes used in IDs (88 = born abroad).
const GOVERNORATE_CODES: [&str; 28] = [
    "01", "02", "03", "04", "11", "12", "13", "14", "15", "16", "17", "18", "19", "21", "22", "23",
    "24", "25", "26", "27", "28", "29", "31", "32", "33", "34", "35", "88",
];

/// Whether a folded value says "none" rather than giving a number (or is empty).
pub(crate) fn is_placeholder(folded: &str) -> bool {
    folded.is_empty() || PLACEHOLDERS.contains(&folded)
}

/// Reads an ID as typed, repairing what Excel does to it (a leading `'`, a trailing `.0`).
///
/// ```
/// use link::normalize::national_id::{parse, NationalId};
/// assert!(matches!(parse("٢٩٠٠١٠١٠١٠١٢٣٤"), NationalId::Valid(_) | NationalId::Malformed(_)));
/// assert_eq!(parse("2.90052E+13"), NationalId::Damaged);
/// assert_eq!(parse("لا يوجد"), NationalId::Missing);
/// ```
pub fn parse(raw: &str) -> NationalId {
    let raw = raw.trim().trim_start_matches('\'');
    let raw = raw.strip_suffix(".0").unwrap_or(raw);
    let lower = fold(raw);
    if is_placeholder(&lower) {
        return NationalId::Missing;
    }
    // Excel's scientific notation (2.90052E+13) has lost the digits for good.
    if raw.to_lowercase().contains("e+") {
        return NationalId::Damaged;
    }
    let t = lower.replace(' ', "");
    let digits: String = t.chars().filter(|c| c.is_ascii_digit()).collect();
    if digits.chars().all(|c| c == '0') {
        return NationalId::Missing;
    }
    if digits.len() != 14 || t.chars().any(|c| !c.is_ascii_digit()) {
        return NationalId::Malformed(digits);
    }
    match structure(&digits) {
        Some(v) => NationalId::Valid(v),
        None => NationalId::Malformed(digits),
    }
}

fn structure(d: &str) -> Option<ValidId> {
    let b = d.as_bytes();
    let num = |i: usize, n: usize| d[i..i + n].parse::<u32>().ok();
    let century = match b[0] {
        b'2' => 1900,
        b'3' => 2000,
        _ => return None,
    };
    let year = century + num(1, 2)? as i32;
    let month = num(3, 2)? as u8;
    let day = num(5, 2)? as u8;
    if !super::date::valid_ymd(year, month, day) {
        return None;
    }
    let governorate = d[7..9].to_owned();
    if !GOVERNORATE_CODES.contains(&governorate.as_str()) {
        return None;
    }
    let male = (b[12] - b'0') % 2 == 1;
    Some(ValidId {
        digits: d.to_owned(),
        birth: Dob::full(year, month, day),
        male,
        governorate,
        check_digit_ok: check_digit_ok(d),
    })
}

/// The unofficial weighted mod-11 check digit.
pub fn check_digit_ok(d: &str) -> bool {
    const W: [u32; 13] = [2, 7, 6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
    let digits: Vec<u32> = d.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() != 14 {
        return false;
    }
    let sum: u32 = digits[..13].iter().zip(W).map(|(a, w)| a * w).sum();
    (11 - sum % 11) % 10 == digits[13]
}

/// Whether two digit strings of one length differ only where a digit was read for another of
/// like shape — 0/8, 1/7, 3/8, 5/6, and the Arabic-Indic ٢/٣ (2/3) and ٧/٨ (7/8) — in at most
/// three places: a number typed from a scanned or photocopied form.
///
/// ```
/// use link::normalize::national_id::misread;
/// assert!(misread("29001011234567", "29001077234667"));
/// assert!(!misread("29001011234567", "29001011234599"));
/// ```
pub fn misread(a: impl AsRef<[u8]>, b: impl AsRef<[u8]>) -> bool {
    let (a, b) = (a.as_ref(), b.as_ref());
    let alike = |x: u8, y: u8| {
        matches!(
            (x.min(y), x.max(y)),
            (b'0', b'8') | (b'1', b'7') | (b'3', b'8') | (b'5', b'6') | (b'2', b'3') | (b'7', b'8')
        )
    };
    let mut differ = 0;
    a.len() == b.len()
        && a.iter().zip(b).all(|(&x, &y)| {
            differ += usize::from(x != y);
            x == y || alike(x, y)
        })
        && (1..=3).contains(&differ)
}

/// How two ID digit strings relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdAgreement {
    Same,
    /// One digit different, or two neighbours swapped: a typing mistake.
    OneOff,
    Different,
}

/// How two ID strings (national or another number) relate: the same, one typing mistake apart
/// (a character changed, two neighbours swapped, one dropped), or different.
pub fn compare(a: impl AsRef<[u8]>, b: impl AsRef<[u8]>) -> IdAgreement {
    let (a, b) = (a.as_ref(), b.as_ref());
    // Every comparison of a blocked pair comes here: byte loops over a dozen digits, nothing
    // allocated, no call out to a general-purpose memory comparison.
    let same = |x: &[u8], y: &[u8]| x.len() == y.len() && x.iter().zip(y).all(|(p, q)| p == q);
    // Length of the common beginning.
    let head = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    if a.len() != b.len() {
        // A dropped digit: the shorter is the longer with one digit removed.
        let (s, l) = if a.len() < b.len() { (a, b) } else { (b, a) };
        if l.len() == s.len() + 1 && same(&s[head..], &l[head + 1..]) {
            return IdAgreement::OneOff;
        }
        return IdAgreement::Different;
    }
    if head == a.len() {
        return IdAgreement::Same;
    }
    let rest = |from: usize| same(&a[from..], &b[from..]);
    let swapped = head + 1 < a.len() && a[head] == b[head + 1] && a[head + 1] == b[head];
    if rest(head + 1) || (swapped && rest(head + 2)) {
        IdAgreement::OneOff
    } else {
        IdAgreement::Different
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "29001011234567";

    #[test]
    fn excel_damage_and_placeholders() {
        assert!(matches!(parse(GOOD), NationalId::Valid(_)));
        assert_eq!(parse(&format!("'{GOOD}")), parse(GOOD));
        assert_eq!(parse(&format!("{GOOD}.0")), parse(GOOD));
        assert_eq!(parse("٢٩٠٠١٠١١٢٣٤٥٦٧"), parse(GOOD));
        assert_eq!(parse("٢٩٠٠١٠١1234567"), parse(GOOD), "mixed digits");
        assert_eq!(parse("2.90052E+13"), NationalId::Damaged);
        for p in ["", "0", "-", "لا يوجد", "بدون", "00000000000000"] {
            assert_eq!(parse(p), NationalId::Missing, "{p}");
        }
        assert_eq!(
            parse("2900101123456"),
            NationalId::Malformed("2900101123456".into()),
            "truncated"
        );
        assert!(
            matches!(parse("29013401234567"), NationalId::Malformed(_)),
            "month 13"
        );
    }

    #[test]
    fn structure_gives_birth_date_gender_and_governorate() {
        let NationalId::Valid(v) = parse("29912252501234") else {
            panic!()
        };
        assert_eq!(v.birth, Dob::full(1999, 12, 25));
        assert_eq!(v.governorate, "25");
        assert!(v.male == (3 % 2 == 1));
        let NationalId::Valid(v) = parse("30502121402122") else {
            panic!()
        };
        assert_eq!(v.birth, Dob::full(2005, 2, 12));
        assert!(!v.male);
        assert!(v.check_digit_ok);
    }

    #[test]
    fn typing_mistakes_are_one_off() {
        assert_eq!(compare(GOOD, GOOD), IdAgreement::Same);
        assert_eq!(compare(GOOD, "29001011234568"), IdAgreement::OneOff);
        assert_eq!(
            compare(GOOD, "29001011234576"),
            IdAgreement::OneOff,
            "transposed"
        );
        assert_eq!(
            compare(GOOD, "2900101123456"),
            IdAgreement::OneOff,
            "dropped digit"
        );
        assert_eq!(
            compare(GOOD, "29001011234589"),
            IdAgreement::Different,
            "twins differ in two digits"
        );
        // At either end, and mistakes that are not one slip.
        let cases = [
            ("39001011234567", IdAgreement::OneOff),
            ("92001011234567", IdAgreement::OneOff),
            ("9001011234567", IdAgreement::OneOff),
            ("2900101123457", IdAgreement::OneOff),
            ("29001011234576", IdAgreement::OneOff),
            ("29001011234765", IdAgreement::Different),
            ("39001011234568", IdAgreement::Different),
            ("290010112345", IdAgreement::Different),
            ("2900101123456", IdAgreement::OneOff),
            ("90010112345678", IdAgreement::Different),
        ];
        for (other, want) in cases {
            assert_eq!(compare(GOOD, other), want, "{other}");
            assert_eq!(compare(other, GOOD), want, "{other} reversed");
        }
    }
}
