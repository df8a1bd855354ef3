mod support;
mod pg;
