//! Where a document says what was searched: a title with its matching words marked, and the
//! passage of a body that holds the most of the query's terms, as segments for a page to mark up
//! (the text is never turned into markup here).

use crate::analysis;
use serde::Serialize;

/// How much of a body is read for its passage: the first 256 KiB.
const SCAN_BYTES: usize = 256 * 1024;

/// A piece of text, and whether it is a word the query matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Segment {
    pub text: String,
    pub hit: bool,
}

/// `text` whole, its words matching `terms` marked.
pub fn highlight(text: &str, terms: &[String]) -> Vec<Segment> {
    let hits: Vec<(usize, usize)> = analysis::tokens(text)
        .filter(|t| terms.contains(&t.term))
        .map(|t| (t.start, t.end))
        .collect();
    segments(text, 0, text.len(), &hits)
}

/// About `width` characters of `text` around the place that holds the most distinct terms of the
/// query (the beginning when none is found), words matching marked, "…" where it was cut.
pub fn excerpt(text: &str, terms: &[String], width: usize) -> Vec<Segment> {
    let scan = &text[..floor_boundary(text, SCAN_BYTES)];
    let tokens: Vec<analysis::Token> = analysis::tokens(scan)
        .filter(|t| terms.contains(&t.term))
        .collect();
    // The window starting at each hit, by how many distinct terms fall in it.
    let span = width * 2; // bytes, roughly: Arabic letters take two
    let mut best: Option<(usize, usize)> = None; // (distinct terms, index of the first hit)
    for (i, t) in tokens.iter().enumerate() {
        let mut seen: Vec<&str> = Vec::new();
        for u in tokens[i..].iter().take_while(|u| u.end <= t.start + span) {
            if !seen.contains(&u.term.as_str()) {
                seen.push(&u.term);
            }
        }
        if best.is_none_or(|(n, _)| seen.len() > n) {
            best = Some((seen.len(), i));
        }
    }
    let anchor = best.map(|(_, i)| tokens[i].start).unwrap_or(0);
    // Start a little before the first hit, at a space.
    let lead = width / 5;
    let mut start = back_chars(text, anchor, lead);
    if start > 0 {
        start = text[start..anchor]
            .find(char::is_whitespace)
            .map(|i| start + i + 1)
            .unwrap_or(start);
    }
    let mut end = forward_chars(text, start, width);
    if end < text.len() {
        end = text[start..end]
            .rfind(char::is_whitespace)
            .map(|i| start + i)
            .filter(|e| *e > anchor)
            .unwrap_or(end);
    }
    let hits: Vec<(usize, usize)> = tokens
        .iter()
        .filter(|t| t.start >= start && t.end <= end)
        .map(|t| (t.start, t.end))
        .collect();
    let mut out = segments(text, start, end, &hits);
    if start > 0 {
        out.insert(0, plain("… "));
    }
    if end < text.len() {
        out.push(plain(" …"));
    }
    out
}

fn plain(s: &str) -> Segment {
    Segment {
        text: s.to_owned(),
        hit: false,
    }
}

/// `text[start..end]` cut at `hits`, runs of white space made one space (extracted text is full
/// of line breaks).
fn segments(text: &str, start: usize, end: usize, hits: &[(usize, usize)]) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    let mut push = |s: &str, hit: bool| {
        let t = squash(s);
        if t.is_empty() {
            return;
        }
        match out.last_mut() {
            Some(last) if last.hit == hit && !hit => last.text.push_str(&t),
            _ => out.push(Segment { text: t, hit }),
        }
    };
    let mut at = start;
    for &(s, e) in hits {
        if s < at {
            continue;
        }
        push(&text[at..s], false);
        push(&text[s..e], true);
        at = e;
    }
    push(&text[at..end], false);
    if let Some(first) = out.first_mut() {
        first.text = first.text.trim_start().to_owned();
    }
    if let Some(last) = out.last_mut() {
        last.text = last.text.trim_end().to_owned();
    }
    out.retain(|s| !s.text.is_empty());
    out
}

fn squash(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() || c.is_control() {
            if !space {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    out
}

fn floor_boundary(text: &str, at: usize) -> usize {
    let mut i = at.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn back_chars(text: &str, from: usize, n: usize) -> usize {
    text[..from]
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map(|(i, _)| i)
        .unwrap_or(0)
}

fn forward_chars(text: &str, from: usize, n: usize) -> usize {
    text[from..]
        .char_indices()
        .nth(n)
        .map(|(i, _)| from + i)
        .unwrap_or(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(segs: &[Segment]) -> String {
        segs.iter()
            .map(|s| {
                if s.hit {
                    format!("[{}]", s.text)
                } else {
                    s.text.clone()
                }
            })
            .collect()
    }

    #[test]
    fn a_title_is_marked_where_its_words_match_however_spelled() {
        let terms = crate::analysis::terms("مدرسه الاطفال");
        assert_eq!(
            marked(&highlight("دليل مدارس و«المدرسة» للأطفال", &terms)),
            "دليل مدارس و«[المدرسة]» [للأطفال]"
        );
    }

    #[test]
    fn the_passage_is_where_most_terms_meet() {
        let filler = "كلام عام عن أشياء أخرى. ".repeat(40);
        let text = format!(
            "{filler}ذكر التدريب هنا وحده. {filler}تدريب المعلمين في أسوان كان مفيدا. {filler}"
        );
        let terms = crate::analysis::terms("تدريب معلمين اسوان");
        let got = marked(&excerpt(&text, &terms, 120));
        assert!(got.contains("[تدريب] [المعلمين] في [أسوان]"), "{got}");
        assert!(got.starts_with("… ") && got.ends_with(" …"), "{got}");
        assert!(got.chars().count() < 200, "{got}");
    }

    #[test]
    fn a_body_without_the_terms_shows_its_beginning() {
        let got = marked(&excerpt("أول الكلام\n\n  ثم   غيره", &["زراعه".into()], 100));
        assert_eq!(got, "أول الكلام ثم غيره");
    }
}
