mod pg;
mod support;
