//! Cross-crate tests live in `tests/`; this library is empty on purpose.
//!
//! See `tests/tests.rs` for the map of what each module covers.
