//! Any bytes as an uploaded member's file: read as CSV or XLSX, mapped, turned into records.
//! Whatever the bytes, the reader answers with a table or a clear file error, never a panic, and
//! within its bounds: no row wider than the column limit.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mizalla::registry::file;
use std::collections::HashMap;

fuzz_target!(|data: &[u8]| {
    if let Ok(table) = mizalla::table::read_table(data) {
        let mapping = file::auto_mapping(&table.headers, &HashMap::new());
        let _ = file::check_mapping(&mapping);
        let (rows, issues) = file::records(&table, &mapping);
        assert!(rows.len() + issues.len() <= table.rows.len() + table.unreadable.len());
        assert!(table.headers.len() <= mizalla::table::MAX_COLUMNS);
        assert!(table.rows.iter().all(|(_, r)| r.len() <= mizalla::table::MAX_COLUMNS));
        let _ = mizalla::assistance::import::mapping(&table);
    }
});
