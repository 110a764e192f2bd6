//! The Pyscope playground page: edit Python, record it in a worker, and step through memory.
//!
//! Code map: [`viewer`] holds the page state and talks to the worker through [`client`];
//! [`app`] composes the page; [`nav`] maps step controls to trace steps; [`source`] reads and
//! writes the program in the address; the remaining modules are components that draw one
//! part each. The memory graph's geometry comes from `pyscope-layout`; this crate only turns
//! it into SVG.

pub mod app;
mod bytecode;
pub mod client;
mod controls;
mod editor;
mod internals;
mod keys;
mod memory;
pub mod nav;
mod output;
mod shell;
pub mod source;
mod svg;
pub mod viewer;

pub use app::App;
