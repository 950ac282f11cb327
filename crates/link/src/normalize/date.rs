//! Dates of birth as members type them: ISO, D/M/Y or M/D/Y (the order inferred per file),
//! Excel serial day numbers, bare years, ages, Arabic-Indic digits.

use super::arabic::fold;

/// A date of birth, as precise as it was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Dob {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

impl Dob {
    pub fn full(year: i32, month: u8, day: u8) -> Self {
        Dob {
            year,
            month: Some(month),
            day: Some(day),
        }
    }
    pub fn year_only(year: i32) -> Self {
        Dob {
            year,
            month: None,
            day: None,
        }
    }
    /// 1 January is what clerks write when only the year is known.
    pub fn is_placeholder_day(&self) -> bool {
        self.month == Some(1) && self.day == Some(1)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    DayFirst,
    MonthFirst,
}

pub fn valid_ymd(y: i32, m: u8, d: u8) -> bool {
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => return false,
    };
    (1900..=2100).contains(&y) && d >= 1 && d <= days
}

fn numbers(raw: &str) -> Vec<u32> {
    fold(raw)
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect()
}

/// Which of D/M and M/D a file uses: a first number above 12 proves day-first, a second
/// above 12 month-first; with no proof, day-first (the Egyptian habit).
pub fn infer_order<'a>(values: impl IntoIterator<Item = &'a str>) -> Order {
    let (mut day_first, mut month_first) = (0, 0);
    for v in values {
        let n = numbers(v);
        if n.len() == 3 && n[2] > 31 {
            if n[0] > 12 && n[1] <= 12 {
                day_first += 1;
            } else if n[1] > 12 && n[0] <= 12 {
                month_first += 1;
            }
        }
    }
    if month_first > day_first {
        Order::MonthFirst
    } else {
        Order::DayFirst
    }
}

/// Parses a date of birth; `None` when it cannot be read.
///
/// ```
/// use link::normalize::date::{parse, Dob, Order};
/// assert_eq!(parse("1987-10-26", Order::DayFirst), Some(Dob::full(1987, 10, 26)));
/// assert_eq!(parse("10/26/1987", Order::MonthFirst), Some(Dob::full(1987, 10, 26)));
/// assert_eq!(parse("٢٦/١٠/١٩٨٧", Order::DayFirst), Some(Dob::full(1987, 10, 26)));
/// assert_eq!(parse("28734", Order::DayFirst), Some(Dob::full(1978, 9, 1)));
/// assert_eq!(parse("1955", Order::DayFirst), Some(Dob::year_only(1955)));
/// ```
pub fn parse(raw: &str, order: Order) -> Option<Dob> {
    let n = numbers(raw);
    match n.as_slice() {
        [y] if (1900..=2100).contains(y) => Some(Dob::year_only(*y as i32)),
        [serial] if (10_000..=80_000).contains(serial) => Some(from_excel_serial(*serial as i64)),
        [a, b, c] => three_numbers(*a, *b, *c, order),
        // Digits run together, as some systems export dates: YYYYMMDD, or DDMMYYYY (MMDDYYYY
        // in a month-first file).
        [x] if (1_000_000..100_000_000).contains(x) => {
            let (head, tail) = (x / 10_000, x % 10_000);
            if (1900..=2100).contains(&head) {
                three_numbers(head, tail / 100, tail % 100, order)
            } else if (1900..=2100).contains(&tail) {
                three_numbers(head / 100, head % 100, tail, order)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// A date from its three numbers as typed: year first when the first is above 31, else day and
/// month in the file's order.
fn three_numbers(a: u32, b: u32, c: u32, order: Order) -> Option<Dob> {
    let (y, m, d) = if a > 31 {
        (a, b, c)
    } else {
        let (m, d) = match order {
            Order::DayFirst => (b, a),
            Order::MonthFirst => (a, b),
        };
        // An impossible month in the file's order is the other order typed by mistake.
        if m > 12 && d <= 12 {
            (c, d, m)
        } else {
            (c, m, d)
        }
    };
    let y = y as i32;
    (m <= 12 && d <= 31 && valid_ymd(y, m as u8, d as u8)).then(|| Dob::full(y, m as u8, d as u8))
}

/// Excel counts days from 1899-12-30.
fn from_excel_serial(serial: i64) -> Dob {
    // Civil-from-days (Howard Hinnant's algorithm), days since 1970-01-01.
    let z = serial - 25_569 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let y = (yoe + era * 400 + i64::from(m <= 2)) as i32;
    Dob::full(y, m, d)
}

/// A birth year from an age at a registration date (`YYYY-…`).
pub fn from_age(age: &str, registered_at: &str) -> Option<Dob> {
    let age: i32 = fold(age).trim().parse().ok()?;
    let year: i32 = registered_at.get(..4)?.parse().ok()?;
    (0..=120).contains(&age).then(|| Dob::year_only(year - age))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        let d = Order::DayFirst;
        let cases = [
            ("1973-07-17", Some(Dob::full(1973, 7, 17))),
            ("8/12/1962", Some(Dob::full(1962, 12, 8))),
            ("03-08-1986", Some(Dob::full(1986, 8, 3))),
            ("18/11/2017", Some(Dob::full(2017, 11, 18))),
            ("١٩/١١/١٩٩٦", Some(Dob::full(1996, 11, 19))),
            ("١٩٥٥", Some(Dob::year_only(1955))),
            ("31/02/1990", None),
            ("19151111", Some(Dob::full(1915, 11, 11))),
            ("01051980", Some(Dob::full(1980, 5, 1))),
            ("٢٠٠١٠٣٠٩", Some(Dob::full(2001, 3, 9))),
            ("19651313", None),
            ("12345678", None),
            ("", None),
            ("غير معروف", None),
        ];
        for (raw, want) in cases {
            assert_eq!(parse(raw, d), want, "{raw}");
        }
        assert_eq!(
            parse("10/26/1987", Order::DayFirst),
            Some(Dob::full(1987, 10, 26)),
            "impossible month flips"
        );
    }

    #[test]
    fn order_is_inferred_from_the_file() {
        assert_eq!(
            infer_order(["10/26/1987", "07/10/1986", "04/12/2008"]),
            Order::MonthFirst
        );
        assert_eq!(infer_order(["26/10/1987", "07/10/1986"]), Order::DayFirst);
        assert_eq!(infer_order(["1987-10-26"]), Order::DayFirst);
    }

    #[test]
    fn ages_give_birth_years() {
        assert_eq!(from_age("65", "2019-05-11"), Some(Dob::year_only(1954)));
        assert_eq!(from_age("٦٥", "2019-05-11"), Some(Dob::year_only(1954)));
        assert_eq!(from_age("x", "2019-05-11"), None);
    }
}
