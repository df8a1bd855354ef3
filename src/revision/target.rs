//! Target symbols. (stub: to be implemented)
