//! The statement splitter. (stub: to be implemented)

/// One statement of a section, without its terminating `;`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    pub sql: String,
    /// 0-based line offset of the statement's first line within the text that was split.
    pub line_offset: usize,
}

/// Splits SQL on top-level `;`, aware of quotes, comments, `$$` bodies and `BEGIN … END`.
/// Statements that are empty or only comments are dropped.
pub fn split_statements(sql: &str) -> Vec<Statement> {
    let _ = sql;
    todo!()
}
