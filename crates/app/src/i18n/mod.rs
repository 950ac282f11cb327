//! Languages: Arabic (default, right-to-left) and English, with Fluent message files in
//! `locales/<lang>/*.ftl` embedded in the binary.
//!
//! The locale is chosen per request: `?lang=`, then the `lang` cookie, then `Accept-Language`
//! with its `q=` weights, then Arabic.

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{Loader, static_loader};
use std::borrow::Cow;
use std::collections::HashMap;
use unic_langid::{LanguageIdentifier, langid};

static_loader! {
    static LOCALES = {
        locales: "../../locales",
        fallback_language: "ar",
    };
}

static AR: LanguageIdentifier = langid!("ar");
static EN: LanguageIdentifier = langid!("en");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    #[default]
    Ar,
    En,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::Ar, Locale::En];

    /// Of a name given in both languages, the one in this language (the other when it is
    /// empty).
    pub fn pick<'a>(self, ar: &'a str, en: &'a str) -> &'a str {
        match self {
            Locale::Ar if !ar.is_empty() => ar,
            Locale::En if !en.is_empty() => en,
            _ if ar.is_empty() => en,
            _ => ar,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Locale::Ar => "ar",
            Locale::En => "en",
        }
    }

    pub fn dir(self) -> &'static str {
        match self {
            Locale::Ar => "rtl",
            Locale::En => "ltr",
        }
    }

    /// Parses a language tag such as `ar`, `ar-EG`, `en-GB`; other languages give `None`.
    pub fn parse(tag: &str) -> Option<Self> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "ar" => Some(Locale::Ar),
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    /// The best supported language in an `Accept-Language` header, by its q-weights
    /// (ties keep the header's order).
    pub fn from_accept_language(header: &str) -> Option<Self> {
        let mut best: Option<(f32, Locale)> = None;
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("").trim();
            let q = pieces
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|v| v.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if q <= 0.0 {
                continue;
            }
            if let Some(loc) = Locale::parse(tag)
                && best.is_none_or(|(bq, _)| q > bq)
            {
                best = Some((q, loc));
            }
        }
        best.map(|(_, l)| l)
    }

    /// Chooses the request's locale from its query, cookie and header values. Pages pass no
    /// header: they are Arabic unless the user chose otherwise, whatever the browser says (many
    /// office computers in Egypt run English Windows); the API passes its `Accept-Language`.
    pub fn negotiate(query: Option<&str>, cookie: Option<&str>, accept: Option<&str>) -> Self {
        query
            .and_then(Locale::parse)
            .or_else(|| cookie.and_then(Locale::parse))
            .or_else(|| accept.and_then(Locale::from_accept_language))
            .unwrap_or_default()
    }

    fn langid(self) -> &'static LanguageIdentifier {
        match self {
            Locale::Ar => &AR,
            Locale::En => &EN,
        }
    }

    /// The message `key`, or the key itself when it is missing (a test keeps that from happening).
    pub fn t(self, key: &str) -> String {
        match plain_messages().get(&(self, key.to_owned())) {
            Some(text) => text.clone(),
            None => LOCALES.lookup(self.langid(), key),
        }
    }

    /// The message `key` with named arguments (strings or numbers).
    pub fn t_args(self, key: &str, args: &[(&str, Arg)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue<'_>> = args
            .iter()
            .map(|(k, v)| {
                let value = match v {
                    Arg::Str(s) => FluentValue::from(s.clone()),
                    Arg::Num(n) => FluentValue::from(*n),
                };
                (Cow::Owned((*k).to_owned()), value)
            })
            .collect();
        LOCALES.lookup_with_args(self.langid(), key, &map)
    }

    /// Whether `key` is a message of this locale's own file: a lookup in memory, for pages that
    /// word many values (the audit log names each field it shows).
    pub fn knows(self, key: &str) -> bool {
        plain_messages().contains_key(&(self, key.to_owned()))
    }

    /// Whether `key` exists in this locale's own file (no fallback). Messages with placeholders
    /// are tried with a value for each placeholder the files use.
    pub fn has(self, key: &str) -> bool {
        let args: HashMap<Cow<'static, str>, FluentValue<'_>> = [
            "page",
            "pages",
            "total",
            "done",
            "count",
            "from",
            "to",
            "line",
            "detail",
            "mb",
            "rows",
            "new",
            "linked",
            "review",
            "percent",
            "id",
            "date",
            "category",
            "days",
            "pairs",
            "moved",
            "members",
            "before",
            "after",
            "threshold",
            "women",
            "children",
            "since",
            "until",
            "at",
            "quarter",
            "year",
            "need",
            "unserved",
            "assisted",
            "twice",
            "level",
            "value",
            "target",
            "n",
            "types",
            "sent",
            "failed",
            "waiting",
            "listed",
            "offer",
            "member",
            "name",
            "of",
            "serial",
        ]
        .into_iter()
        .map(|k| (Cow::Borrowed(k), FluentValue::from(1)))
        .collect();
        LOCALES
            .lookup_no_default_fallback(self.langid(), key, Some(&args))
            .is_some()
    }

    /// A moment stored as RFC 3339 UTC, written for reading in Cairo's time (daylight saving
    /// included): `29 نوفمبر 2026، 14:05` / `29 November 2026, 14:05`. Anything else as given.
    pub fn datetime(self, rfc3339: &str) -> String {
        let Ok(at) = rfc3339.parse::<jiff::Timestamp>() else {
            return rfc3339.to_owned();
        };
        // Read from the built-in database once: a page of the audit log writes fifty moments.
        static CAIRO: std::sync::LazyLock<Option<jiff::tz::TimeZone>> =
            std::sync::LazyLock::new(|| jiff::tz::TimeZone::get("Africa/Cairo").ok());
        let Some(cairo) = CAIRO.clone() else {
            return rfc3339.to_owned();
        };
        let local = at.to_zoned(cairo);
        let date = format!(
            "{:04}-{:02}-{:02}",
            local.year(),
            local.month(),
            local.day()
        );
        let comma = if self == Locale::Ar { "،" } else { "," };
        format!(
            "{}{comma} {:02}:{:02}",
            self.date(&date),
            local.hour(),
            local.minute()
        )
    }

    /// A month `YYYY-MM` written for reading: `نوفمبر 2026` / `November 2026`.
    pub fn month(self, year_month: &str) -> String {
        let mut parts = year_month.split('-');
        match (
            parts.next(),
            parts.next().and_then(|m| m.parse::<u8>().ok()),
        ) {
            (Some(y), Some(m)) if (1..=12).contains(&m) && y.len() == 4 => {
                format!("{} {y}", self.t(&format!("month-{m}")))
            }
            _ => year_month.to_owned(),
        }
    }

    /// A date `YYYY-MM-DD` written for reading: `29 نوفمبر 2026` / `29 November 2026`.
    pub fn date(self, iso: &str) -> String {
        let date = iso.get(..10).unwrap_or(iso);
        let mut parts = date.split('-');
        let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
            return iso.to_owned();
        };
        let (Ok(m), Ok(d)) = (m.parse::<u8>(), d.parse::<u8>()) else {
            return iso.to_owned();
        };
        if !(1..=12).contains(&m) {
            return iso.to_owned();
        }
        format!("{d} {} {y}", self.t(&format!("month-{m}")))
    }
}

/// A Fluent argument.
#[derive(Debug, Clone)]
pub enum Arg {
    Str(String),
    Num(f64),
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Str(s.to_owned())
    }
}
impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Str(s)
    }
}
impl From<i64> for Arg {
    fn from(n: i64) -> Self {
        Arg::Num(n as f64)
    }
}

/// The message files, embedded (the same files `static_loader!` reads).
const FILES: [(Locale, &str); 4] = [
    (Locale::Ar, include_str!("../../../../locales/ar/main.ftl")),
    (
        Locale::Ar,
        include_str!("../../../../locales/ar/errors.ftl"),
    ),
    (Locale::En, include_str!("../../../../locales/en/main.ftl")),
    (
        Locale::En,
        include_str!("../../../../locales/en/errors.ftl"),
    ),
];

/// Every message key of a locale's files.
pub fn keys(locale: Locale) -> Vec<String> {
    let mut keys: Vec<String> = FILES
        .iter()
        .filter(|(l, _)| *l == locale)
        .flat_map(|(_, text)| text.lines())
        .filter(|line| line.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
        .filter_map(|line| line.split_once('=').map(|(k, _)| k.trim().to_owned()))
        .collect();
    keys.sort();
    keys
}

/// Messages without arguments, formatted once: pages ask for hundreds of them per request.
fn plain_messages() -> &'static HashMap<(Locale, String), String> {
    static CACHE: std::sync::OnceLock<HashMap<(Locale, String), String>> =
        std::sync::OnceLock::new();
    CACHE.get_or_init(|| {
        Locale::ALL
            .into_iter()
            .flat_map(|l| keys(l).into_iter().map(move |k| (l, k)))
            .map(|(l, k)| {
                let text = LOCALES.lookup(l.langid(), &k);
                ((l, k), text)
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 13, 2: times were shown as UTC ISO text. Cairo is two hours ahead in winter and
    /// three in summer (daylight saving since 2023).
    #[test]
    fn moments_are_written_in_cairo_time() {
        assert_eq!(
            Locale::En.datetime("2026-12-01T22:30:00Z"),
            "2 December 2026, 00:30"
        );
        assert_eq!(
            Locale::En.datetime("2026-07-01T10:00:00Z"),
            "1 July 2026, 13:00"
        );
        assert!(
            Locale::Ar
                .datetime("2026-12-01T10:00:00Z")
                .ends_with("، 12:00")
        );
        assert_eq!(Locale::En.datetime("not a time"), "not a time");
        // Issue 13, 6: months showed as `2026-12`.
        assert_eq!(Locale::En.month("2026-12"), "December 2026");
        assert_eq!(Locale::En.month("2026-13"), "2026-13");
    }

    #[test]
    fn locale_comes_from_query_then_cookie_then_accept_language() {
        assert_eq!(
            Locale::negotiate(Some("en"), Some("ar"), Some("ar")),
            Locale::En
        );
        assert_eq!(Locale::negotiate(None, Some("en"), Some("ar")), Locale::En);
        assert_eq!(
            Locale::negotiate(None, None, Some("en-GB,en;q=0.9")),
            Locale::En
        );
        assert_eq!(Locale::negotiate(Some("fr"), None, None), Locale::Ar);
        assert_eq!(Locale::negotiate(None, None, None), Locale::Ar);
    }

    #[test]
    fn accept_language_respects_q_weights() {
        assert_eq!(
            Locale::from_accept_language("en;q=0.5, ar-EG;q=0.8"),
            Some(Locale::Ar)
        );
        assert_eq!(
            Locale::from_accept_language("fr, en;q=0.3, ar;q=0.2"),
            Some(Locale::En)
        );
        assert_eq!(
            Locale::from_accept_language("ar;q=0, en;q=0.1"),
            Some(Locale::En)
        );
        assert_eq!(Locale::from_accept_language("de, fr"), None);
        assert_eq!(Locale::from_accept_language(""), None);
    }

    /// Issue 13, 6: a page mixed Arabic-Indic and Western digits. Every number the pages write
    /// is in Western digits, the messages' own included.
    #[test]
    fn messages_write_numbers_in_one_digit_style() {
        for locale in [Locale::Ar, Locale::En] {
            for key in keys(locale) {
                let text = locale.t(&key);
                assert!(
                    !text.chars().any(|c| ('\u{0660}'..='\u{0669}').contains(&c)),
                    "{key}: {text}"
                );
            }
        }
    }

    #[test]
    fn both_locales_define_exactly_the_same_messages() {
        let ar = keys(Locale::Ar);
        let en = keys(Locale::En);
        assert!(ar.len() > 50, "too few keys: {}", ar.len());
        let only_ar: Vec<_> = ar.iter().filter(|k| !en.contains(k)).collect();
        let only_en: Vec<_> = en.iter().filter(|k| !ar.contains(k)).collect();
        assert!(
            only_ar.is_empty() && only_en.is_empty(),
            "only ar: {only_ar:?}; only en: {only_en:?}"
        );
        for key in &ar {
            assert!(
                Locale::Ar.has(key) && Locale::En.has(key),
                "{key} does not resolve"
            );
        }
    }

    #[test]
    fn every_field_and_level_of_the_linkage_engine_has_a_name() {
        // Explanations on the "already registered?" page show each field's level by these keys.
        for (field, levels) in link::compare::FIELDS.iter().zip(link::compare::LEVEL_NAMES) {
            let keys = std::iter::once(format!("link-field-{field}"))
                .chain((1..levels.len()).map(|l| format!("link-level-{field}-{l}")));
            for key in keys {
                assert!(Locale::Ar.has(&key) && Locale::En.has(&key), "{key}");
            }
        }
    }

    #[test]
    fn dates_are_written_with_month_names() {
        assert_eq!(Locale::En.date("2026-11-29"), "29 November 2026");
        assert_eq!(Locale::Ar.date("2026-01-05"), "5 يناير 2026");
        assert_eq!(Locale::Ar.date("not a date"), "not a date");
    }
}
