//! What a search asks for: the words typed, analysed as documents are ([`crate::analysis`]), and
//! the phrases put in quotes. A document must hold every term; one holding them in the order
//! typed, as one phrase, ranks above one where they lie scattered.

use crate::analysis;

/// Most terms a query keeps: a pasted paragraph is searched by its first words.
pub const MAX_TERMS: usize = 16;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// The distinct terms, in the order typed.
    pub terms: Vec<String>,
    /// The phrases typed in quotes ("…", «…», “…”), each of two or more terms: a document must
    /// hold each as written.
    pub phrases: Vec<Vec<String>>,
    /// Every term in the order typed, when there are two or more: the phrase that ranks first.
    pub sequence: Vec<String>,
}

impl Query {
    pub fn parse(text: &str) -> Query {
        let mut q = Query::default();
        let mut quoted = false;
        for part in text.split(['"', '«', '»', '“', '”']) {
            let terms: Vec<String> = analysis::terms(part);
            for t in &terms {
                if q.sequence.len() < MAX_TERMS {
                    q.sequence.push(t.clone());
                    if !q.terms.contains(t) {
                        q.terms.push(t.clone());
                    }
                }
            }
            if quoted && terms.len() >= 2 {
                q.phrases.push(terms.into_iter().take(MAX_TERMS).collect());
            }
            quoted = !quoted;
        }
        if q.sequence.len() < 2 {
            q.sequence.clear();
        }
        q
    }

    /// Nothing to search for: the query held only function words, punctuation or nothing.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_keeps_its_terms_once_and_its_quoted_phrases() {
        let q = Query::parse("تدريب \"المدارس الريفية\" في تدريب");
        assert_eq!(q.terms, vec!["تدريب", "مدارس", "ريف"]);
        assert_eq!(q.phrases, vec![vec!["مدارس".to_owned(), "ريف".to_owned()]]);
        assert_eq!(q.sequence, vec!["تدريب", "مدارس", "ريف", "تدريب"]);
        assert!(Query::parse("في من \" ").is_empty());
        assert!(Query::parse("تدريب").sequence.is_empty());
    }

    #[test]
    fn a_pasted_paragraph_is_searched_by_its_first_words() {
        let long = (0..100)
            .map(|i| format!("word{i}x"))
            .collect::<Vec<_>>()
            .join(" ");
        let q = Query::parse(&long);
        assert!(q.terms.len() <= MAX_TERMS && q.sequence.len() <= MAX_TERMS);
    }
}
