//! The one error type of the application. Services return it; the web layer maps it to a status
//! code and a message in the user's language (see `web::error`). Internal details stay in the
//! server log and never reach a client.

/// A problem with one field of a submitted form or JSON body: the field's name and the message
/// key (in `locales/*/errors.ftl`) that explains it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    pub field: &'static str,
    pub key: &'static str,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn add(&mut self, field: &'static str, key: &'static str) {
        self.0.push(FieldError { field, key });
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// (field, message key) of each error.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
        self.0.iter().map(|e| (e.field, e.key))
    }
    pub fn get(&self, field: &str) -> Option<&'static str> {
        self.0.iter().find(|e| e.field == field).map(|e| e.key)
    }
    /// A short code people type and programs keep (an organisation's, a category's): required,
    /// lower-case Latin letters, digits, `-` and `_`, at most 32 characters.
    pub fn code(&mut self, field: &'static str, code: &str) {
        if code.is_empty() {
            self.add(field, "err-required");
        } else if code.len() > 32
            || !code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        {
            self.add(field, "err-code-format");
        }
    }
    /// An e-mail address as people mistype them (see [`valid_email`]); empty is for the caller
    /// to allow or not.
    pub fn email(&mut self, field: &'static str, email: &str) {
        if !valid_email(email) {
            self.add(field, "err-email");
        }
    }
    /// A text as typed: trimmed, its line breaks `\n`, at most `max` characters, without
    /// control characters (but line breaks and tabs) or characters that reorder what follows
    /// ([`reorders`]). A `required` one without a letter or digit counts as empty (invisible
    /// characters alone).
    pub fn text(&mut self, field: &'static str, raw: &str, max: usize, required: bool) -> String {
        let t = raw.trim().replace("\r\n", "\n");
        if required && !t.chars().any(char::is_alphanumeric) {
            self.add(field, "err-required");
        } else if t.chars().count() > max {
            self.add(field, "err-too-long");
        } else if t
            .chars()
            .any(|c| (c.is_control() && c != '\n' && c != '\t') || reorders(c))
        {
            self.add(field, "err-control-character");
        }
        t
    }
    /// A one-line text (a title, an e-mail's subject): as [`FieldErrors::text`], and no line
    /// break or tab.
    pub fn line(&mut self, field: &'static str, raw: &str, max: usize, required: bool) -> String {
        let t = self.text(field, raw, max, required);
        if t.contains(['\n', '\t']) && self.get(field).is_none() {
            self.add(field, "err-one-line");
        }
        t
    }
    /// A required name of at most 200 characters.
    pub fn name(&mut self, field: &'static str, name: &str) {
        if name.is_empty() {
            self.add(field, "err-required");
        } else if name.chars().count() > 200 {
            self.add(field, "err-too-long");
        }
    }
    /// `Ok(())` when nothing was added, else the validation error.
    /// The codes a form sent for a list field (checkboxes): trimmed, empty ones dropped, sorted,
    /// each once; `err-choice` on `field` when one is not `known`.
    pub fn codes(
        &mut self,
        field: &'static str,
        raw: &[String],
        known: impl Fn(&str) -> bool,
    ) -> Vec<String> {
        let mut codes: Vec<String> = raw
            .iter()
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty())
            .collect();
        if codes.iter().any(|c| !known(c)) {
            self.add(field, "err-choice");
        }
        codes.sort();
        codes.dedup();
        codes
    }

    pub fn check(self) -> Result<(), Error> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Error::Validation(self))
        }
    }
}

/// Characters that reorder what follows them (right-to-left overrides and embeddings, and the
/// isolates): in a title or file name they make `report\u{202e}fdp.exe` read as a PDF.
pub fn reorders(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("not signed in")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("invalid input")]
    Validation(FieldErrors),
    /// A JSON body that does not have the shape the API's document gives its operation: each
    /// offending property's path (`code`, `points.0.body`; `$` for the whole) and the message
    /// key. Paths are the caller's own property names, hence owned.
    #[error("body does not fit the API document")]
    Body(Vec<(String, &'static str)>),
    /// A body larger than the route accepts.
    #[error("body too large")]
    TooLarge,
    /// A body of a media type the route does not read (the API reads JSON only).
    #[error("unsupported media type")]
    ContentType,
    /// A request the server cannot read at all; the value is a message key.
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    /// The request conflicts with stored data; the value is a message key.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error("missing or wrong CSRF token")]
    Csrf,
    #[error("too many attempts")]
    TooManyRequests,
    #[error("internal error: {0:#}")]
    Internal(#[from] anyhow::Error),
}

/// A date typed in a form, as `YYYY-MM-DD`: written that way, or day first as Egyptian clerks
/// write it (`2/12/2026`, `02-12-2026`, `٢/١٢/٢٠٢٦`); `None` when it is no real date. Every form
/// reads its dates through this, so one field accepts what a clerk types whatever the browser.
///
/// ```
/// use mizalla::error::form_date;
/// assert_eq!(form_date("2/12/2026").as_deref(), Some("2026-12-02"));
/// assert_eq!(form_date("٢٠٢٦-١٢-٠٢").as_deref(), Some("2026-12-02"));
/// assert_eq!(form_date("31/2/2026"), None);
/// ```
pub fn form_date(s: &str) -> Option<String> {
    let s = link::normalize::arabic::western_digits(s.trim());
    let parts: Vec<&str> = s.split(['-', '/', '.']).collect();
    let [a, b, c] = parts[..] else {
        return None;
    };
    let number = |p: &str| {
        (!p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse::<i32>().ok())
            .flatten()
    };
    let (year, month, day) = if a.len() == 4 {
        (number(a)?, number(b)?, number(c)?)
    } else if c.len() == 4 {
        (number(c)?, number(b)?, number(a)?)
    } else {
        return None;
    };
    let month = time::Month::try_from(u8::try_from(month).ok()?).ok()?;
    let date = time::Date::from_calendar_date(year, month, u8::try_from(day).ok()?).ok()?;
    Some(format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    ))
}

/// Checks an e-mail address well enough to catch typing mistakes.
pub fn valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && email.len() <= 254
        && !email
            .chars()
            .any(|c| c.is_whitespace() || c == '<' || c == '>' || c == '"')
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => Error::NotFound,
            other => Error::Internal(other.into()),
        }
    }
}

impl Error {
    /// A single-field validation error.
    pub fn field(field: &'static str, key: &'static str) -> Self {
        let mut errs = FieldErrors::default();
        errs.add(field, key);
        Error::Validation(errs)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_check_catches_typing_mistakes() {
        for ok in ["a@b.org", "huda.m@alliance.eg"] {
            assert!(valid_email(ok), "{ok}");
        }
        for bad in ["", "a", "a@b", "@b.org", "a b@c.org", "a@.org", "<a>@b.org"] {
            assert!(!valid_email(bad), "{bad}");
        }
    }
}
