//! Lists a page at a time. A [`Page`] is made once from what the request asked for (`?page=N`,
//! anything from a missing value to `i64::MAX`) and the list's own page size, and it alone turns
//! them into `LIMIT`/`OFFSET`: the page number is bounded so that the offset cannot overflow
//! (an overflowed offset was negative — refused by PostgreSQL, read as 0 by SQLite).

/// The highest page number asked of any list; past it a list answers its last page.
pub const MAX_PAGE: i64 = 1_000_000;
/// The most rows on one page of any list.
pub const MAX_SIZE: i64 = 1_000;

/// The most rows an export holds (a download is the first page of this size): a longer list is
/// filtered before it is exported, and the page says so.
pub const EXPORT_ROWS: i64 = 50_000;

/// One page of a list: its number (from 1) and its size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    number: i64,
    size: i64,
}

impl Page {
    /// The page `requested` (the first when absent) of a list of `size` rows a page.
    pub fn new(requested: Option<i64>, size: i64) -> Self {
        Page {
            number: requested.unwrap_or(1).clamp(1, MAX_PAGE),
            size: size.clamp(1, MAX_SIZE),
        }
    }

    /// What an export downloads: the first [`EXPORT_ROWS`] rows.
    pub fn export() -> Self {
        Page {
            number: 1,
            size: EXPORT_ROWS,
        }
    }

    /// The same page, or the last one when the list has fewer pages than that.
    pub fn within(self, total: i64) -> Self {
        Page {
            number: self.number.min(self.pages(total)),
            ..self
        }
    }

    /// How many pages `total` rows make (at least one, empty).
    pub fn pages(self, total: i64) -> i64 {
        (total.max(0) / self.size + i64::from(total.max(0) % self.size != 0)).max(1)
    }

    pub fn number(self) -> i64 {
        self.number
    }

    /// The `LIMIT` of the page's query.
    pub fn size(self) -> i64 {
        self.size
    }

    /// The `OFFSET` of the page's query: at most `MAX_PAGE * MAX_SIZE`, far from overflowing.
    pub fn offset(self) -> i64 {
        (self.number - 1) * self.size
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_requested_page_gives_a_valid_offset() {
        for asked in [
            None,
            Some(i64::MIN),
            Some(-1),
            Some(0),
            Some(1),
            Some(i64::MAX),
        ] {
            let page = Page::new(asked, 50);
            assert!((1..=MAX_PAGE).contains(&page.number()), "{asked:?}");
            assert!(page.offset() >= 0, "{asked:?}");
        }
        assert_eq!(Page::new(Some(3), 20).offset(), 40);
        assert_eq!(Page::new(Some(i64::MAX), 20).within(45).number(), 3);
        assert_eq!(Page::new(Some(2), 20).within(0).number(), 1);
        assert_eq!(Page::new(None, 20).pages(40), 2);
        assert_eq!(Page::new(None, 20).pages(41), 3);
        assert_eq!(Page::new(None, i64::MAX).size(), MAX_SIZE);
    }
}
