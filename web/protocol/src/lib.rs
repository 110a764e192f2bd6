//! Messages between the page and the worker that records runs, and their JS encoding.
//!
//! The page never links the interpreter: it sends [`Request`]s to a Web Worker that owns the
//! recording session and answers with [`Reply`]s. Both sides convert messages to and from
//! JS values with [`encode`] and [`decode`] (serde-wasm-bindgen), so `postMessage` carries
//! structured data rather than JSON text.

mod wire;

pub use wire::{read_reply, write_reply};

use pyscope_trace::{CodeId, CodeView, LineStep, SourceFile, State, TraceSummary};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use wasm_bindgen::{JsCast, JsValue};

/// Identifies one run; replies about older runs are ignored by the page.
pub type RunId = u32;

/// Which state to show, by 0-based step number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "n", rename_all = "snake_case")]
pub enum At {
    /// An instruction step.
    Step(u64),
    /// A line step.
    LineStep(u64),
}

/// The most line steps an [`Reply::Index`] lists; later ones are left out.
pub const MAX_INDEX: usize = 100_000;

/// What the page asks of the worker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Request {
    /// Compile and record the program, `main` being the file run as `__main__`, replacing
    /// any earlier run. `inputs` answer the program's first `input()` calls, in order.
    /// `max_steps` lowers the step limit (used to re-record a run up to where a dead worker
    /// got).
    Run {
        run: RunId,
        files: Vec<SourceFile>,
        main: String,
        inputs: Vec<String>,
        max_steps: Option<u64>,
    },
    /// End the recording of `run`, keeping what was recorded.
    Stop { run: RunId },
    /// Answer the `input()` that `run` waits for; recording goes on past it.
    Input { run: RunId, line: String },
    /// Send the state at `at`; `query` is echoed so the page can drop stale answers.
    State { run: RunId, query: u32, at: At },
    /// Send the disassembly of code object `code`.
    Code { run: RunId, code: CodeId },
    /// Send where each line step is (file, line, depth), for stepping over and out,
    /// breakpoints and running to a line; the answer comes as several [`Reply::Index`].
    Index { run: RunId },
}

/// What the worker tells the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reply {
    /// The worker has loaded and listens for requests.
    Ready,
    /// Recording is under way: instruction and line steps recorded so far.
    Progress {
        run: RunId,
        steps: u64,
        line_steps: u64,
    },
    /// Recording ended (finished, stopped, failed or limited); the trace can be browsed,
    /// including the state it ended in, at step `summary.steps`.
    Finished { run: RunId, summary: TraceSummary },
    /// The state asked for by `query`; `previous_line` is the line the line step before it
    /// ran (the line just executed), when there is one.
    State {
        run: RunId,
        query: u32,
        state: Box<State>,
        previous_line: Option<LineStep>,
    },
    /// The disassembly of one code object of the run.
    Code { run: RunId, code: Box<CodeView> },
    /// Line steps `from`, `from + 1`, ... of the run. The list comes in slices, the last one
    /// ending at the run's last line step or at [`MAX_INDEX`]; `complete` is true when the
    /// slices together list every line step.
    Index {
        run: RunId,
        from: u64,
        lines: Vec<LineStep>,
        complete: bool,
    },
    /// A request could not be served (for example, it named a run the worker no longer has).
    Failed { run: RunId, message: String },
}

/// Converts a message to a JS value for `postMessage`. 64-bit numbers travel as BigInts, so
/// large hashes and addresses survive exactly.
pub fn encode<T: Serialize>(message: &T) -> Result<JsValue, String> {
    let serializer =
        serde_wasm_bindgen::Serializer::new().serialize_large_number_types_as_bigints(true);
    message.serialize(&serializer).map_err(|e| e.to_string())
}

/// Reads a message from a JS value received from `postMessage`.
pub fn decode<T: DeserializeOwned>(value: JsValue) -> Result<T, String> {
    serde_wasm_bindgen::from_value(value).map_err(|e| e.to_string())
}

/// Converts a reply to a JS `Uint8Array` in the compact form of [`write_reply`], which the
/// page reads without serde (see the `wire` module).
pub fn encode_reply(reply: &Reply) -> JsValue {
    js_sys::Uint8Array::from(write_reply(reply).as_slice()).into()
}

/// Reads a reply sent by [`encode_reply`].
pub fn decode_reply(value: JsValue) -> Result<Reply, String> {
    let bytes = value
        .dyn_into::<js_sys::Uint8Array>()
        .map_err(|_| "a reply is not a Uint8Array".to_string())?
        .to_vec();
    read_reply(&bytes)
}
