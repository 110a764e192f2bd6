//! The Pyscope playground page: edit Python, record it in a worker, and step through memory.
//!
//! Code map: [`app`] holds the page state and talks to the worker through [`client`];
//! [`nav`] maps step controls to trace steps; [`source`] reads `?code=` / `#code=`; the
//! remaining modules are components that draw one part each. The memory graph's geometry
//! comes from `pyscope-layout`; this crate only turns it into SVG.

pub mod app;
pub mod client;
mod controls;
mod editor;
mod keys;
mod memory;
pub mod nav;
mod output;
pub mod source;

pub use app::App;
