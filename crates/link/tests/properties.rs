//! Properties of the normalisers: no panic on any input, and normalising twice changes nothing.

use link::normalize::{arabic, date, latin, national_id, phone, place};
use proptest::prelude::*;

/// Strings mixing Arabic, Latin, digits of three scripts, diacritics, invisible characters.
fn messy() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            "[\u{0621}-\u{064A}]",
            "[\u{064B}-\u{0652}\u{0640}\u{200B}-\u{200F}\u{00A0}]",
            "[a-zA-Z]",
            "[0-9\u{0660}-\u{0669}\u{06F0}-\u{06F9}]",
            "[ ,./'\\-_+()]",
            any::<char>().prop_map(|c| c.to_string()),
        ],
        0..40,
    )
    .prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn folding_is_idempotent(s in messy()) {
        let once = arabic::fold(&s);
        prop_assert_eq!(arabic::fold(&once), once);
    }

    #[test]
    fn name_parts_are_stable(s in messy()) {
        let parts = arabic::name_parts(&arabic::fold(&s));
        let again = arabic::name_parts(&arabic::fold(&parts.join(" ")));
        prop_assert_eq!(again, parts);
    }

    #[test]
    fn normalisers_never_panic(s in messy()) {
        let _ = latin::name_parts(&s);
        let _ = latin::skeleton(&s.to_lowercase());
        let _ = arabic::skeleton(&arabic::fold(&s));
        let _ = national_id::parse(&s);
        let _ = date::parse(&s, date::Order::DayFirst);
        let _ = date::parse(&s, date::Order::MonthFirst);
        let _ = phone::parse(&s);
        let _ = place::governorate_code(&s);
        let _ = place::area_key(&s);
    }

    #[test]
    fn a_normalised_phone_normalises_to_itself(s in "(\\+20|0020|0)?1[0125][0-9]{8}") {
        // Every string of this shape is an Egyptian mobile number: the parser must read it.
        let p = phone::parse(&s);
        prop_assert!(p.is_some(), "{} is a mobile number", s);
        let p = p.unwrap_or_default();
        prop_assert_eq!(phone::parse(&p), Some(p.clone()));
    }
}

#[test]
fn huge_and_empty_fields_are_handled() {
    let huge = "محمد ".repeat(200_000);
    assert_eq!(arabic::name_parts(&arabic::fold(&huge)).len(), 200_000);
    assert_eq!(
        national_id::parse(&"9".repeat(1_000_000)),
        national_id::NationalId::Malformed("9".repeat(1_000_000))
    );
    assert!(arabic::name_parts("").is_empty());
    assert_eq!(date::parse("", date::Order::DayFirst), None);
}
