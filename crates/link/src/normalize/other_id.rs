//! Another identity number, for people a member cannot register by national ID: a refugee
//! registration (UNHCR) number, a passport, a social insurance number. Its structure is not
//! known, so it is compared as typed, once Excel's damage and placeholders are taken out.

use super::arabic::fold;

/// The number as letters and digits only (Arabic-Indic digits made ASCII, Latin letters lower
/// case), or `None` when nothing usable was typed: empty, a placeholder (`-`, `لا يوجد`, all
/// zeros) or a number Excel turned into scientific notation.
///
/// ```
/// use link::normalize::other_id::parse;
/// assert_eq!(parse("UNHCR 945-22C٠١٣٤"), Some("unhcr94522c0134".to_owned()));
/// assert_eq!(parse("'5304218.0"), Some("5304218".to_owned()));
/// assert_eq!(parse("لا يوجد"), None);
/// assert_eq!(parse("2.90052E+13"), None);
/// ```
pub fn parse(raw: &str) -> Option<String> {
    let raw = raw.trim().trim_start_matches('\'');
    let raw = raw.strip_suffix(".0").unwrap_or(raw);
    let folded = fold(raw);
    if super::national_id::is_placeholder(&folded) {
        return None;
    }
    let kept: String = folded.chars().filter(|c| c.is_alphanumeric()).collect();
    let scientific = kept.chars().any(|c| c.is_ascii_digit())
        && raw.to_lowercase().contains("e+")
        && kept.chars().filter(|c| c.is_alphabetic()).count() == 1;
    if kept.is_empty() || kept.chars().all(|c| c == '0') || scientific {
        return None;
    }
    Some(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases() {
        let cases = [
            ("5304218", Some("5304218")),
            (" 530 4218 ", Some("5304218")),
            ("٥٣٠٤٢١٨", Some("5304218")),
            ("A1234567", Some("a1234567")),
            ("945-22C00134", Some("94522c00134")),
            ("0", None),
            ("0000", None),
            ("-", None),
            ("بدون", None),
            ("N/A", None),
            ("", None),
            ("1.23457E+11", None),
        ];
        for (raw, want) in cases {
            assert_eq!(parse(raw).as_deref(), want, "{raw}");
        }
    }
}
