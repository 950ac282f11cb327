//! Every spelling variation staff type, table by table: a word as typed and the word as a
//! document writes it must become the same term; words that only look alike must not.

use mizalla_search::analysis::{fold, term, terms};

fn same(cases: &[(&str, &str)]) {
    for (typed, written) in cases {
        assert_eq!(term(typed), term(written), "{typed} / {written}");
        assert!(term(typed).is_some(), "{typed} is a term");
    }
}

#[test]
fn hamza_forms_of_alif_are_one_letter() {
    same(&[
        ("احمد", "أحمد"),
        ("اسلام", "إسلام"),
        ("امن", "آمن"),
        ("الاسكندريه", "ٱلإسكندرية"),
        ("مسؤول", "مسئول"),
        ("شؤون", "شئون"),
    ]);
}

#[test]
fn taa_marbuta_and_alif_maqsura_are_typed_either_way() {
    same(&[
        ("مدرسه", "مدرسة"),
        ("الصحه", "الصحة"),
        ("مستشفي", "مستشفى"),
        ("قري", "قرى"),
        ("مبني", "مبنى"),
        ("مصطفي", "مصطفى"),
    ]);
}

#[test]
fn diacritics_tatweel_and_joiners_are_not_part_of_a_word() {
    same(&[
        ("مدرسة", "مَدْرَسَةٌ"),
        ("التعليم", "التَّعْلِيمُ"),
        ("تدريب", "تـــدريـب"),
        ("جمعية", "جمع\u{200c}ية"),
    ]);
    // One word, not three pieces cut at its marks.
    assert_eq!(terms("مُدَرِّسَة").len(), 1);
}

#[test]
fn the_article_and_attached_prefixes_come_off() {
    same(&[
        ("مدرسة", "المدرسة"),
        ("مدرسة", "والمدرسة"),
        ("مدرسة", "فالمدرسة"),
        ("مدرسة", "بالمدرسة"),
        ("مدرسة", "كالمدرسة"),
        ("اطفال", "للأطفال"),
        ("اطفال", "وللأطفال"),
        ("مدرسة", "بمدرسة"),
        ("مدرسة", "لمدرسة"),
        ("مدرسة", "ومدرسة"),
        ("كتاب", "بكتاب"),
        ("تدريب", "وبالتدريب"),
    ]);
}

#[test]
fn a_word_is_one_term_with_the_article_and_without_whatever_its_first_letter() {
    // Roots starting with a letter that is also a prefix (ب ك ل و ف).
    for bare in [
        "برنامج",
        "بيانات",
        "كفاءة",
        "وزارة",
        "فعالية",
        "لجنة",
        "وثيقة",
        "كتاب",
        "فريق",
    ] {
        for form in ["ال", "و", "وال", "بال", "لل", "فال", "كال"] {
            let with = if form == "لل" {
                format!("لل{bare}")
            } else {
                format!("{form}{bare}")
            };
            assert_eq!(term(bare), term(&with), "{bare} / {with}");
        }
    }
}

#[test]
fn sound_plurals_and_common_suffixes_meet_the_singular() {
    same(&[
        ("معلم", "معلمون"),
        ("معلم", "المعلمين"),
        ("معلمة", "المعلمات"),
        ("تدريب", "تدريبات"),
        ("مستشفى", "المستشفيات"),
        ("صحة", "الصحية"),
        ("قرية", "القرى"),
        ("مشروع", "مشروعات"),
        ("مسؤول", "المسؤولين"),
        ("training", "trainings"),
        ("workshop", "Workshops"),
        ("family", "families"),
    ]);
}

#[test]
fn digits_of_either_script_are_one_number() {
    same(&[("2024", "٢٠٢٤"), ("2024", "۲۰۲۴"), ("15", "١٥")]);
    // A year with its letter after it is still found by the year.
    assert!(terms("عام ٢٠٢٤م").contains(&"2024".to_owned()));
    assert!(terms("covid19").contains(&"19".to_owned()));
}

#[test]
fn presentation_forms_from_pdfs_are_ordinary_letters() {
    // "مدرسة" in the isolated/final presentation forms some PDFs carry.
    same(&[("مدرسة", "\u{FEE3}\u{FEAA}\u{FEAE}\u{FEB4}\u{FE94}")]);
    assert_eq!(fold("ﻻ"), "لا");
}

#[test]
fn latin_letters_lose_case_and_accents() {
    same(&[("cafe", "Café"), ("NGO", "ngo")]);
}

#[test]
fn function_words_and_single_letters_are_not_terms() {
    for w in ["في", "من", "على", "إلى", "وفي", "the", "and", "و", "x"] {
        assert_eq!(term(w), None, "{w}");
    }
    assert_eq!(term("7"), Some("7".to_owned()), "a digit alone is a number");
    assert_eq!(term(&"ب".repeat(41)), None, "a run too long is no word");
}

#[test]
fn words_that_only_look_alike_stay_apart() {
    for (a, b) in [
        ("مدرسة", "مدارس"),
        ("صحة", "صحراء"),
        ("تعليم", "تعلم"),
        ("فريق", "ريق"),
    ] {
        assert_ne!(term(a), term(b), "{a} / {b}");
    }
}

#[test]
fn text_splits_into_words_at_punctuation_of_both_scripts() {
    assert_eq!(
        terms("التدريب، والمتابعة؛ «الصحة» (2024)؟"),
        vec!["تدريب", "متابع", "صح", "2024"]
    );
}
