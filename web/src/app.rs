//! The page: header, editor, controls, output, memory graph and bytecode, wired to the
//! recording worker through the [`Viewer`]; the program is kept in localStorage and the
//! address bar, and re-run on edits in live mode.

use std::time::Duration;

use leptos::prelude::*;
use pyscope_layout::{GraphLayout, HeapMode, Options, layout};
use pyscope_trace::SourceFile;

use crate::bytecode::Bytecode;
use crate::controls::{RunBar, StepBar};
use crate::editor::Editor;
use crate::keys::install_step_keys;
use crate::memory::MemoryGraph;
use crate::output::Output;
use crate::shell::{Header, load, loaded, mark, mark_after_paint, replace_hash, save};
use crate::source::{encode_files, files_from, files_from_address, heap_mode_from_address};
use crate::viewer::{MAIN_FILE, Viewer};

pub use crate::viewer::Phase;

/// The program shown when neither the address nor the browser's storage holds one.
const DEFAULT_CODE: &str = "a = [1, 2]\nb = a\nb.append(3)\nprint(a)\n";
/// Where the program is kept between visits.
const STORAGE_KEY: &str = "pyscope.program";
/// How long typing must pause before live mode runs the program again.
const LIVE_DELAY: Duration = Duration::from_millis(400);

/// The program to start with: the address wins, then the browser's storage, then the
/// default example; and the heap mode the address asks for.
fn initial() -> (Vec<SourceFile>, HeapMode) {
    let location = window().location();
    let search = location.search().unwrap_or_default();
    let hash = location.hash().unwrap_or_default();
    let mode = heap_mode_from_address(&search, &hash).unwrap_or_default();
    let files = files_from_address(&search, &hash)
        .or_else(|| files_from(&load(STORAGE_KEY)))
        .unwrap_or_else(|| {
            vec![SourceFile {
                name: MAIN_FILE.into(),
                text: DEFAULT_CODE.into(),
            }]
        });
    (files, mode)
}

/// Saves every edit to the browser's storage and the address bar, and in live mode runs the
/// program again once typing pauses.
fn persist_and_rerun(v: Viewer) {
    // The effect's value is the program as last seen, so a heap mode change only saves.
    Effect::new(move |before: Option<Vec<SourceFile>>| {
        let files = v.files.get();
        let encoded = encode_files(&files, v.heap_mode.get());
        save(STORAGE_KEY, &encoded);
        replace_hash(&encoded);
        if before.is_none_or(|b| b == files) || !v.live.get_untracked() {
            return files;
        }
        let mine = v.generation.get_untracked().wrapping_add(1);
        v.generation.set(mine);
        set_timeout(
            move || {
                if v.generation.get_untracked() == mine {
                    v.rerun_keeping_position();
                }
            },
            LIVE_DELAY,
        );
        files
    });
}

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    mark("pyscope-app");
    let (files, mode) = initial();
    let viewer = Viewer::new(files, mode);
    provide_context(viewer);
    viewer.connect();
    install_step_keys(viewer);
    persist_and_rerun(viewer);
    viewer.run_code();
    let options = Memo::new(move |_| Options {
        collapsed: viewer.collapsed.get(),
        show_ids: viewer.show_ids.get(),
        ..Options::for_mode(viewer.heap_mode.get())
    });
    let graph: Memo<Option<GraphLayout>> = Memo::new(move |_| {
        let opts = options.get();
        viewer.state.with(|s| s.as_ref().map(|s| layout(s, &opts)))
    });
    Effect::new(move |_| {
        if graph.with(Option::is_some) {
            mark_after_paint("pyscope-draw");
        }
    });
    loaded();
    let changed = Signal::derive(move || viewer.changed.get());
    view! {
        <Header />
        <main class="page">
            <section class="left" aria-label="Code and controls">
                <Editor />
                <RunBar />
                <StepBar />
                <Output />
            </section>
            <section class="right" aria-label="Memory">
                <MemoryGraph graph=graph changed=changed />
                <Bytecode />
            </section>
        </main>
    }
}
