//! The library as a service uses it: the `embed!` macro's rebuilds, and the example services
//! built and run against both engines.

mod rebuild;
