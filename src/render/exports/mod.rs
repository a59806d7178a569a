//! Exports: the files for machines rather than people — the open data
//! (CSV, JSON, JSON Schema and its README, with the columns a declared form
//! adds), the search index, and the feeds (sitemap, robots.txt, Atom).

pub mod data;
pub mod feeds;
pub mod form_data;
pub mod search;
