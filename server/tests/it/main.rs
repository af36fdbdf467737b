//! The integration tests: the real server on a fresh database, through the one helper that
//! starts it (`common`), a module per area. One binary, so the server is linked once.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;

mod accounts;
mod alerts;
mod authorization;
mod dashboard;
mod deploy;
mod duty;
mod emergency;
mod gate;
mod monthly;
mod overview;
mod rectify;
mod requests;
mod retention;
mod rounds;
mod scorecard;
mod screening;
mod survey;
mod sync;
mod visitors;
mod watchlist;
mod web;
