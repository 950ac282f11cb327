//! Arabic text folding and the Egyptian name chain.

/// An Arabic-Indic (٠–٩) or Persian (۰–۹) digit as its Western digit; any other character as is.
fn western_digit(c: char) -> char {
    let zero = match c {
        '٠'..='٩' => '٠',
        '۰'..='۹' => '۰',
        _ => return c,
    };
    char::from_digit(c as u32 - zero as u32, 10).unwrap_or(c)
}

/// `s` with its Arabic-Indic and Persian digits written as Western digits, nothing else changed
/// (`١١/٨/١٩٨٢` → `11/8/1982`): pages write every number in one digit style.
///
/// ```
/// assert_eq!(link::normalize::arabic::western_digits("٠١٠ ۱۲۳ x"), "010 123 x");
/// ```
pub fn western_digits(s: &str) -> String {
    s.chars().map(western_digit).collect()
}

/// Folds text for comparison: strips diacritics, tatweel and invisible characters; unifies
/// alef and hamza forms, ى/ي, ة/ه and the Persian ی/ک; turns Arabic-Indic and Persian digits
/// into ASCII; lower-cases Latin letters; turns punctuation into spaces and squeezes spaces.
///
/// ```
/// assert_eq!(link::normalize::arabic::fold("أَحْمَـــد  إبراهيم"), "احمد ابراهيم");
/// assert_eq!(link::normalize::arabic::fold("فاطمة\u{200f}_x000D_"), "فاطمه");
/// ```
pub fn fold(s: &str) -> String {
    // Every field of every row passes here: the common letters take the first arms, and the
    // text is copied only when Excel's `_x000D_` is in it.
    let s: std::borrow::Cow<str> = if s.contains("_x000") {
        s.replace("_x000D_", " ").replace("_x000d_", " ").into()
    } else {
        s.into()
    };
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let mapped = match c {
            'ا' | 'ب' | 'ت'..='غ' | 'ف'..='ن' | 'ه' | 'و' | 'ي' | 'a'..='z' | '0'..='9' => {
                out.push(c);
                continue;
            }
            'A'..='Z' => {
                out.push(c.to_ascii_lowercase());
                continue;
            }
            '\u{064B}'..='\u{0652}' | '\u{0670}' | '\u{0610}'..='\u{061A}' | '\u{0640}' => None,
            // Latin accents typed as a letter and a combining mark ("José" decomposed).
            '\u{0300}'..='\u{036F}' => None,
            '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
            | '\u{00AD}' => None,
            'أ' | 'إ' | 'آ' | 'ٱ' => Some('ا'),
            'ؤ' => Some('و'),
            'ئ' | 'ى' | 'ی' | 'ې' => Some('ي'),
            'ء' => None,
            'ة' | 'ۀ' | 'ھ' | 'ہ' => Some('ه'),
            'ک' => Some('ك'),
            '٠'..='٩' | '۰'..='۹' => Some(western_digit(c)),
            c if c.is_whitespace() => Some(' '),
            c if c.is_alphanumeric() => Some(c),
            _ => Some(' '),
        };
        if let Some(m) = mapped {
            if m == ' ' {
                if !out.is_empty() && !out.ends_with(' ') {
                    out.push(' ');
                }
            } else {
                // A letter's lower case may carry a combining mark ("İ" is "i" and a dot above),
                // which folding again would drop: keep the letters only, so that folding twice
                // is folding once.
                out.extend(m.to_lowercase().filter(|c| c.is_alphanumeric()));
            }
        }
    }
    while out.ends_with(' ') {
        out.pop();
    }
    out
}

/// Whether the text is mostly Latin letters (a transliterated name).
pub fn is_latin(s: &str) -> bool {
    let (mut latin, mut arabic) = (0, 0);
    for c in s.chars() {
        if c.is_ascii_alphabetic() {
            latin += 1;
        } else if ('\u{0600}'..='\u{06FF}').contains(&c) {
            arabic += 1;
        }
    }
    latin > arabic
}

/// Titles that are not part of a name.
const HONORIFICS: [&str; 14] = [
    "الحاج",
    "الحاجه",
    "الحجه",
    "حاج",
    "حاجه",
    "الشيخ",
    "شيخ",
    "الاستاذ",
    "الاستاذه",
    "استاذ",
    "الدكتور",
    "دكتور",
    "المهندس",
    "مهندس",
];

/// Second halves that make one name with the word before them (منة الله, شمس الدين).
const JOIN_WITH_PREVIOUS: [&str; 4] = ["الله", "الدين", "الاسلام", "الرحمن"];

/// First halves that make one name with the word after them (عبد الرحمن, أبو بكر).
const JOIN_WITH_NEXT: [&str; 2] = ["عبد", "ابو"];

/// Splits a folded Arabic name into its parts: honorifics dropped, compound names joined
/// (عبد الرحمن = عبدالرحمن), the article dropped from the front of each part (الشناوي =
/// شناوي).
///
/// ```
/// use link::normalize::arabic::{fold, name_parts};
/// assert_eq!(name_parts(&fold("الحاج عبد الرحمن محمد الشناوي")), ["عبدالرحمن", "محمد", "شناوي"]);
/// assert_eq!(name_parts(&fold("منة الله أبو بكر")), ["منهالله", "ابوبكر"]);
/// ```
pub fn name_parts(folded: &str) -> Vec<String> {
    let words: Vec<&str> = folded
        .split(' ')
        .filter(|w| !w.is_empty() && !HONORIFICS.contains(w))
        .collect();
    let mut parts: Vec<String> = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        if JOIN_WITH_NEXT.contains(&w) && i + 1 < words.len() {
            parts.push(format!("{w}{}", words[i + 1]));
            i += 2;
            continue;
        }
        if JOIN_WITH_PREVIOUS.contains(&w)
            && !parts.is_empty()
            && !parts.last().is_some_and(|p| p.starts_with("عبد"))
        {
            let last = parts.last_mut().expect("checked");
            last.push_str(w);
        } else {
            parts.push(w.to_owned());
        }
        i += 1;
    }
    parts
        .into_iter()
        .map(|p| strip_article(&p))
        .filter(|p| !p.is_empty())
        .collect()
}

/// Drops the article from the front of a name part when enough is left to be a name.
fn strip_article(p: &str) -> String {
    match p.strip_prefix("ال") {
        Some(rest) if rest.chars().count() >= 3 => rest.to_owned(),
        _ => p.to_owned(),
    }
}

/// The consonant skeleton of an Arabic name part, in the same alphabet as
/// [`super::latin::skeleton`], so that محمود and "Mahmoud" meet.
/// The shapes of a folded name part's letters without their dots: what is left of it on a
/// faint photocopy, where ب ت ث ن ي, ج ح خ, د ذ, ر ز, س ش, ص ض, ط ظ, ع غ and ف ق are read for one
/// another. Two parts with the same shapes are one name misread, unless both are common names
/// (تامر and ثامر, see [`crate::compare::DISTINCT_NAME_MIN`]).
///
/// ```
/// use link::normalize::arabic::shapes;
/// assert_eq!(shapes("عبدالحفيظ"), shapes("غيدالجقبط"));
/// assert_ne!(shapes("محمد"), shapes("محمود"));
/// ```
pub fn shapes(part: &str) -> String {
    part.chars()
        .map(|c| match c {
            'ب' | 'ت' | 'ث' | 'ن' | 'ي' => 'ب',
            'ج' | 'ح' | 'خ' => 'ح',
            'د' | 'ذ' => 'د',
            'ر' | 'ز' => 'ر',
            'س' | 'ش' => 'س',
            'ص' | 'ض' => 'ص',
            'ط' | 'ظ' => 'ط',
            'ع' | 'غ' => 'ع',
            'ف' | 'ق' => 'ف',
            c => c,
        })
        .collect()
}

pub fn skeleton(part: &str) -> String {
    // The article inside a compound is silent in most transliterations (Abd Rahman, Abdurrahman).
    let part: std::borrow::Cow<str> = if part.contains("عبدال") || part.contains("ابوال")
    {
        part.replacen("عبدال", "عبد", 1)
            .replacen("ابوال", "ابو", 1)
            .into()
    } else {
        part.into()
    };
    // The ة ending the first half of a joined name is said as t before its second half (منة الله
    // is Mennatallah, هبة الله Hebatallah), as transliterations write it.
    let part: std::borrow::Cow<str> = match JOIN_WITH_PREVIOUS.iter().find_map(|half| {
        part.strip_suffix(half)
            .and_then(|first| first.strip_suffix('ه'))
            .filter(|stem| !stem.is_empty())
            .map(|stem| format!("{stem}ت{half}"))
    }) {
        Some(said) => said.into(),
        None => part,
    };
    let mut out = String::with_capacity(part.len());
    // An initial vowel or ع is kept as one mark, so that احمد and حامد stay apart.
    if part.starts_with(['ا', 'ع']) {
        out.push('a');
    }
    for c in part.chars() {
        let m = match c {
            'ب' => 'b',
            'ت' | 'ط' => 't',
            'ث' | 'س' | 'ص' => 's',
            'ج' => 'g',
            'ح' | 'ه' => 'h',
            'خ' => 'x',
            'د' | 'ض' => 'd',
            'ذ' | 'ز' | 'ظ' => 'z',
            'ر' => 'r',
            'ش' => 'S',
            'غ' => 'G',
            'ف' => 'f',
            'ق' | 'ك' => 'k',
            'ل' => 'l',
            'م' => 'm',
            'ن' => 'n',
            'و' => 'w',
            'ي' => 'y',
            _ => continue,
        };
        if !out.ends_with(m) {
            out.push(m);
        }
    }
    if out.len() > 1 && out.ends_with('h') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the `normalize` fuzz target: "İ" folded to "i" and a combining dot, which a
    /// second fold turned into "i" — folding was not idempotent. Decomposed accents are dropped.
    #[test]
    fn folding_twice_is_folding_once_for_letters_whose_lower_case_has_a_mark() {
        for s in ["5e+lİ", "İstanbul", "Jose\u{301}", "ǅ", "ΐ"] {
            let once = fold(s);
            assert_eq!(fold(&once), once, "{s:?}");
        }
        assert_eq!(fold("İbrahim"), "ibrahim");
        assert_eq!(fold("Jose\u{301}"), "jose");
    }

    #[test]
    fn fold_cases() {
        let cases = [
            ("أحمد", "احمد"),
            ("إبراهيم", "ابراهيم"),
            ("آمال", "امال"),
            ("مصطفى", "مصطفي"),
            ("فاطمة", "فاطمه"),
            ("مُحَمَّد", "محمد"),
            ("محـــمد", "محمد"),
            ("یوسف", "يوسف"),
            ("کریم", "كريم"),
            ("\u{200f}سعاد\u{200e}", "سعاد"),
            ("هدى\u{00a0}علي", "هدي علي"),
            ("منى_x000D_", "مني"),
            ("  سيد   أحمد  ", "سيد احمد"),
            ("٢٠٢٤ ۱۲", "2024 12"),
            ("MOHAMED", "mohamed"),
            ("مسئول", "مسيول"),
        ];
        for (input, want) in cases {
            assert_eq!(fold(input), want, "{input}");
        }
    }

    #[test]
    fn name_parts_cases() {
        let cases: [(&str, &[&str]); 8] = [
            ("عبد الرحمن محمد", &["عبدالرحمن", "محمد"]),
            ("عبدالرحمن محمد", &["عبدالرحمن", "محمد"]),
            ("الحاجة عائشة أحمد", &["عايشه", "احمد"]),
            ("محمد أحمد الشناوي", &["محمد", "احمد", "شناوي"]),
            ("محمد أحمد شناوي", &["محمد", "احمد", "شناوي"]),
            ("شمس الدين محمود", &["شمسالدين", "محمود"]),
            ("أبو بكر سالم", &["ابوبكر", "سالم"]),
            ("السيد علي", &["سيد", "علي"]),
        ];
        for (input, want) in cases {
            assert_eq!(name_parts(&fold(input)), want, "{input}");
        }
    }

    #[test]
    fn skeleton_cases() {
        let cases = [
            ("محمد", "mhmd"),
            ("محمود", "mhmwd"),
            ("فاطمه", "ftm"),
            ("عبدالرحمن", "abdrhmn"),
            ("عبدالله", "abdl"),
            ("حسين", "hsyn"),
            ("حسن", "hsn"),
            ("ابوبكر", "abwbkr"),
            ("شربيني", "Srbyny"),
            ("منهالله", "mntl"),
            ("هبهالله", "hbtl"),
            ("شمسالدين", "Smsldyn"),
        ];
        for (input, want) in cases {
            assert_eq!(skeleton(input), want, "{input}");
        }
    }
}
