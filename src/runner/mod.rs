//! The runner: walks a [`crate::revision::Plan`] into a sink. (stub: to be implemented)

/// A failure while running a plan.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    #[error("{0}")]
    Other(String),
}
