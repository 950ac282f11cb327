//! Any text through every normaliser of the linkage engine and a whole record's normalisation:
//! no panic, and folding is idempotent.
#![no_main]

use libfuzzer_sys::fuzz_target;
use link::normalize::{arabic, date, latin, national_id, other_id, phone, place};
use link::record::{self, RawRecord};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let folded = arabic::fold(s);
    assert_eq!(arabic::fold(&folded), folded, "folding is idempotent");
    let _ = arabic::name_parts(&folded);
    let _ = arabic::skeleton(&folded);
    let _ = latin::name_parts(s);
    let _ = latin::skeleton(&s.to_lowercase());
    let _ = national_id::parse(s);
    let _ = date::parse(s, date::Order::DayFirst);
    let _ = date::parse(s, date::Order::MonthFirst);
    let _ = date::from_age(s, s);
    let _ = phone::parse(s);
    let _ = place::governorate_code(s);
    let _ = place::area_key(s);
    let _ = place::address_words(s);
    let _ = other_id::parse(s);
    let _ = national_id::compare(s, &folded);
    let raw = RawRecord {
        full_name: s.to_owned(),
        first_name: s.to_owned(),
        relation_to_head: s.to_owned(),
        gender: s.to_owned(),
        date_of_birth: s.to_owned(),
        age: s.to_owned(),
        national_id: s.to_owned(),
        phone: s.to_owned(),
        governorate: s.to_owned(),
        district: s.to_owned(),
        village: s.to_owned(),
        address: s.to_owned(),
        other_id: s.to_owned(),
        ..RawRecord::default()
    };
    let r = record::normalize(&raw, date::Order::DayFirst);
    let _ = link::compare::compare(&r, &r);
});
