//! Egyptian mobile numbers to one form: `01XXXXXXXXX`.

use super::arabic::fold;

/// `+201012345678`, `00201012345678`, `1012345678` (Excel dropped the 0), `010 1234 5678` and
/// Arabic-Indic digits all become `01012345678`; anything else is `None`.
///
/// ```
/// assert_eq!(link::normalize::phone::parse("+20 101 234 5678").as_deref(), Some("01012345678"));
/// assert_eq!(link::normalize::phone::parse("٠١٠١٢٣٤٥٦٧٨").as_deref(), Some("01012345678"));
/// ```
pub fn parse(raw: &str) -> Option<String> {
    let digits: String = fold(raw).chars().filter(|c| c.is_ascii_digit()).collect();
    let national = if let Some(rest) = digits.strip_prefix("0020") {
        format!("0{rest}")
    } else if digits.len() == 12 && digits.starts_with("20") {
        format!("0{}", &digits[2..])
    } else if digits.len() == 10 && digits.starts_with('1') {
        format!("0{digits}")
    } else {
        digits
    };
    let ok = national.len() == 11
        && national.starts_with("01")
        && matches!(national.as_bytes()[2], b'0' | b'1' | b'2' | b'5');
    ok.then_some(national)
}

#[cfg(test)]
mod tests {
    #[test]
    fn forms() {
        for raw in [
            "01012345678",
            "+201012345678",
            "00201012345678",
            "1012345678",
            "010 1234 5678",
            "٠١٠١٢٣٤٥٦٧٨",
            "'01012345678",
        ] {
            assert_eq!(super::parse(raw).as_deref(), Some("01012345678"), "{raw}");
        }
        for raw in ["", "0", "0101234567", "02 2345 6789", "01312345678"] {
            assert_eq!(super::parse(raw), None, "{raw}");
        }
    }
}
