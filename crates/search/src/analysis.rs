//! From text to terms: the one analysis both a document and a query go through, so that what
//! staff type meets what documents say however either was spelled.
//!
//! A word is folded first ([`fold`]): compatibility forms (the presentation forms PDFs carry)
//! become ordinary letters, the alif forms (أ إ آ ٱ) become ا, a hamza on a seat (ؤ ئ) becomes ء,
//! ى becomes ي and ة becomes ه, Persian letters become their Arabic twins, Arabic-Indic digits
//! become 0–9, diacritics, tatweel and joiners go, and Latin letters lose their case and accents.
//! Then it is stemmed ([`stem`]): an Arabic word loses a conjunction (و ف), the article and the
//! prepositions fused to it (ال بال كال فال لل), and lone prepositions (ب ك ل), and then its common
//! suffixes — sound plurals (ون ين ات), the dual (ان), feminine and relative endings (ه يه ي) and
//! ها — in the order of Larkey, Ballesteros and Connell's "light10" stemmer, which stays close to
//! the word rather than guessing its root; an English word goes through Snowball's English
//! (Porter 2) stemmer. Snowball's Arabic stemmer was tried and left: it stems ة and ه, ى and ي,
//! and plurals differently (`تدريبات` → `تدريبا`, `الصحة` → `الصح` but `صحه` → `صحه`).
//!
//! Words are split where letters end, and also where digits meet letters (`2024م`, `covid19`), so a
//! year or a number is found on its own. Single letters and a short list of function words in each
//! language are not terms.

use std::sync::LazyLock;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Longest word taken as a term, in characters: longer runs are not words (hashes, base64).
pub const MAX_WORD_CHARS: usize = 40;

/// A term and where its word lies in the text analysed (byte offsets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub term: String,
    pub start: usize,
    pub end: usize,
}

/// The terms of `text` in order, as the index holds them.
pub fn terms(text: &str) -> Vec<String> {
    tokens(text).map(|t| t.term).collect()
}

/// The terms of `text` in order, with the places of their words.
pub fn tokens(text: &str) -> impl Iterator<Item = Token> + '_ {
    words(text).filter_map(|(start, end)| {
        let term = term(&text[start..end])?;
        Some(Token { term, start, end })
    })
}

/// The term a word stands for, or none for a function word, a single letter or a word too long.
pub fn term(word: &str) -> Option<String> {
    let folded = fold(word);
    let chars = folded.chars().count();
    if (chars < 2 && !folded.chars().all(|c| c.is_ascii_digit())) || chars > MAX_WORD_CHARS {
        return None;
    }
    if folded.is_empty() || is_stopword(&folded) {
        return None;
    }
    Some(stem(&folded))
}

/// Whether `c` belongs to a word: letters and digits, and the marks, tatweel and joiners written
/// inside Arabic words (a tokenizer that splits at them cuts `مُدَرِّسَة` into pieces).
fn in_word(c: char) -> bool {
    // ASCII and the Arabic letters first: Unicode's general tables are the slow path.
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    if ('\u{0621}'..='\u{064a}').contains(&c) {
        return true;
    }
    c.is_alphanumeric() || is_combining_mark(c) || matches!(c, '\u{0640}' | '\u{200c}' | '\u{200d}')
}

/// `char::is_alphanumeric`, ASCII and the Arabic letters first.
fn is_letter_or_digit(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        (('\u{0621}'..='\u{064a}').contains(&c) && c != '\u{0640}') || c.is_alphanumeric()
    }
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit()
        || ('\u{0660}'..='\u{0669}').contains(&c)
        || ('\u{06f0}'..='\u{06f9}').contains(&c)
}

/// The byte spans of the words of `text`.
fn words(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let (start, first) = loop {
            let (i, c) = chars.next()?;
            if in_word(c) && !is_combining_mark(c) {
                break (i, c);
            }
        };
        let digits = is_digit(first);
        let mut end = start + first.len_utf8();
        while let Some(&(i, c)) = chars.peek() {
            let joins = in_word(c)
                && (is_digit(c) == digits || is_combining_mark(c) || !is_letter_or_digit(c));
            if !joins {
                break;
            }
            end = i + c.len_utf8();
            chars.next();
        }
        Some((start, end))
    })
}

/// A word folded to the form its spelling variants share (see the module's notes).
pub fn fold(word: &str) -> String {
    // Plain Arabic letters and ASCII (most words) have no compatibility or combined forms: they
    // are only mapped, which is what the full path below would do to them.
    if word
        .chars()
        .all(|c| ('\u{0621}'..='\u{064a}').contains(&c) || c.is_ascii_alphanumeric())
    {
        return word
            .chars()
            .filter_map(fold_char)
            .map(|c| c.to_ascii_lowercase())
            .collect();
    }
    let mapped: String = word.nfkc().filter_map(fold_char).collect();
    mapped
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// A letter as its spelling variants share it (none for tatweel and the joiners).
fn fold_char(c: char) -> Option<char> {
    match c {
        'أ' | 'إ' | 'آ' | 'ٱ' | 'ٲ' | 'ٳ' => Some('ا'),
        'ؤ' | 'ئ' => Some('ء'),
        'ى' | 'ی' | 'ې' | 'ۍ' => Some('ي'),
        'ة' | 'ۀ' | 'ھ' | 'ە' | 'ۃ' => Some('ه'),
        'ک' | 'ڪ' => Some('ك'),
        '\u{0660}'..='\u{0669}' => char::from_digit(c as u32 - 0x0660, 10),
        '\u{06f0}'..='\u{06f9}' => char::from_digit(c as u32 - 0x06f0, 10),
        '\u{0640}' | '\u{200c}' | '\u{200d}' => None,
        _ => Some(c),
    }
}

fn is_arabic_letter(c: char) -> bool {
    ('\u{0621}'..='\u{064a}').contains(&c) || ('\u{0671}'..='\u{06d3}').contains(&c)
}

/// The stem of a folded word: light Arabic stemming, Porter 2 for English, other words as they are.
pub fn stem(folded: &str) -> String {
    if folded.chars().any(is_arabic_letter) {
        arabic_stem(folded)
    } else if folded.chars().any(|c| c.is_ascii_alphabetic()) {
        ENGLISH.stem(folded).into_owned()
    } else {
        folded.to_owned()
    }
}

static ENGLISH: LazyLock<rust_stemmers::Stemmer> =
    LazyLock::new(|| rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English));

/// The article with the prepositions fused to it, longest first.
const ARTICLES: [&str; 6] = ["وال", "فال", "بال", "كال", "لل", "ال"];
/// Suffixes, each removed at most once, in this order (light10's).
const SUFFIXES: [&str; 8] = ["ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي"];

fn arabic_stem(word: &str) -> String {
    let mut w: Vec<char> = word.chars().collect();
    let starts = |w: &[char], p: &str| {
        let p: Vec<char> = p.chars().collect();
        w.len() >= p.len() && w[..p.len()] == p[..]
    };
    // Conjunctions: before the article, or on a word long enough to hold one beside its root.
    while w.len() >= 4
        && matches!(w[0], 'و' | 'ف')
        && (ARTICLES.iter().any(|a| starts(&w[1..], a)) || w.len() >= 5)
    {
        w.remove(0);
    }
    let article = ARTICLES
        .iter()
        .map(|a| a.chars().count())
        .zip(ARTICLES)
        .find(|(n, a)| starts(&w, a) && w.len() - n >= 2);
    if let Some((n, _)) = article {
        w.drain(..n);
        // What follows the article is stemmed as the bare word would be (الوزارة as وزارة), so
        // that a word is one term with the article and without.
        while w.len() >= 5 && matches!(w[0], 'و' | 'ف') {
            w.remove(0);
        }
    }
    // Lone prepositions, as long as a word of four letters is left: the same steps for بالبرنامج,
    // البرنامج and برنامج, whatever the root's own first letter.
    while w.len() >= 5 && matches!(w[0], 'ب' | 'ك' | 'ل') {
        w.remove(0);
    }
    for suffix in SUFFIXES {
        let s: Vec<char> = suffix.chars().collect();
        if w.len() >= s.len() + 2 && w[w.len() - s.len()..] == s[..] {
            w.truncate(w.len() - s.len());
        }
    }
    w.into_iter().collect()
}

/// Function words, folded: found in nearly every document, they would only slow the index.
const STOPWORDS: [&str; 62] = [
    "في",
    "من",
    "الي",
    "علي",
    "عن",
    "مع",
    "هذا",
    "هذه",
    "ذلك",
    "تلك",
    "التي",
    "الذي",
    "الذين",
    "ان",
    "او",
    "ثم",
    "قد",
    "لا",
    "ما",
    "لم",
    "لن",
    "هو",
    "هي",
    "هم",
    "كل",
    "بين",
    "عند",
    "حتي",
    "كان",
    "كانت",
    "يكون",
    "ايضا",
    "غير",
    "كما",
    "لكن",
    "اذا",
    "منذ",
    "عبر",
    "خلال",
    "a",
    "an",
    "and",
    "are",
    "as",
    "at",
    "be",
    "by",
    "for",
    "from",
    "has",
    "have",
    "in",
    "is",
    "it",
    "its",
    "of",
    "on",
    "or",
    "that",
    "the",
    "to",
    "with",
];

/// A function word, also with و before it (`وفي`, `ومن`).
fn is_stopword(folded: &str) -> bool {
    let bare = folded
        .strip_prefix('و')
        .filter(|rest| rest.chars().count() >= 2)
        .unwrap_or(folded);
    STOPWORDS.contains(&folded) || STOPWORDS.contains(&bare)
}
