//! Round trips of worker messages through JS values, run under node by wasm-bindgen-test.
#![cfg(target_arch = "wasm32")]

use pyscope_protocol::{At, Reply, Request, decode, decode_reply, encode, encode_reply};
use pyscope_trace::{
    Binding, CodeView, DictEntry, DictTable, Event, FrameView, HeapObject, InstrView, LimitKind,
    LineStep, ObjectValue, Outcome, SourceFile, State, TraceSummary,
};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

fn big_state() -> State {
    let table = DictTable {
        kind: "unicode".into(),
        log2_size: 3,
        usable: 4,
        nentries: 1,
        used: 1,
        indices: vec![-1, 0, -1, -2, -1, -1, -1, -1],
        entries: vec![Some(DictEntry {
            hash: i64::MIN + 7,
            key: 2,
            value: 3,
        })],
        last_probe: vec![1],
    };
    State {
        step: 9_007_199_254_740_993,
        line_step: 3,
        events: vec![
            Event::Line,
            Event::Call {
                function: "f".into(),
            },
        ],
        frames: vec![FrameView {
            name: "<module>".into(),
            locals: vec![
                Binding {
                    name: "d".into(),
                    value: Some(1),
                },
                Binding {
                    name: "u".into(),
                    value: None,
                },
            ],
            stack: vec![None, Some(1)],
            ..Default::default()
        }],
        heap: vec![
            HeapObject {
                id: 1,
                type_name: "dict".into(),
                class: None,
                refcount: 2,
                address: u64::MAX - 15,
                size: 232,
                value: ObjectValue::Dict {
                    entries: vec![(2, 3)],
                    table: Some(table),
                },
            },
            HeapObject {
                id: 2,
                type_name: "str".into(),
                class: None,
                refcount: 1,
                address: 0x7f00_0000_1000,
                size: 50,
                value: ObjectValue::Str {
                    value: "clé ✓".into(),
                },
            },
        ],
        stdout: "[1, 2, 3]\n".into(),
        ..Default::default()
    }
}

#[wasm_bindgen_test]
fn requests_round_trip() {
    let requests = [
        Request::Run {
            run: 1,
            files: vec![
                SourceFile {
                    name: "main.py".into(),
                    text: "import helper\na = [1, 2]\nprint(a)\n".into(),
                },
                SourceFile {
                    name: "helper.py".into(),
                    text: "x = input()\n".into(),
                },
            ],
            main: "main.py".into(),
            inputs: vec!["42".into()],
            max_steps: None,
        },
        Request::Run {
            run: 2,
            files: Vec::new(),
            main: "main.py".into(),
            inputs: Vec::new(),
            max_steps: Some(u64::MAX),
        },
        Request::Stop { run: 2 },
        Request::Input {
            run: 2,
            line: "yes".into(),
        },
        Request::Code { run: 2, code: 3 },
        Request::Index { run: 2 },
        Request::State {
            run: 2,
            query: 7,
            at: At::Step(12),
        },
        Request::State {
            run: 2,
            query: 8,
            at: At::LineStep(0),
        },
    ];
    for r in requests {
        let back: Request = decode(encode(&r).expect("encodes")).expect("decodes");
        assert_eq!(back, r);
    }
}

#[wasm_bindgen_test]
fn replies_keep_64_bit_numbers_exact() {
    let summary = TraceSummary {
        steps: 12,
        line_steps: 4,
        outcome: Outcome::Limit {
            limit: LimitKind::Steps,
            message: "step limit".into(),
        },
        record_ms: 1.5,
        ..Default::default()
    };
    let replies = [
        Reply::Ready,
        Reply::Progress {
            run: 3,
            steps: 50_000,
            line_steps: 7,
        },
        Reply::Finished { run: 3, summary },
        Reply::State {
            run: 3,
            query: 1,
            state: Box::new(big_state()),
            previous_line: Some(LineStep {
                step: u64::MAX - 1,
                file: 0,
                line: 3,
                depth: 1,
                thread: 0,
            }),
        },
        Reply::Code {
            run: 3,
            code: Box::new(CodeView {
                id: 3,
                name: "f".into(),
                qualname: "f".into(),
                file: "main.py".into(),
                first_line: 1,
                instrs: vec![InstrView {
                    index: 0,
                    offset: 0,
                    starts_line: Some(1),
                    line: 1,
                    opname: "RESUME".into(),
                    arg: Some(0),
                    argrepr: String::new(),
                    is_jump_target: false,
                }],
            }),
        },
        Reply::Index {
            run: 3,
            from: 0,
            lines: vec![LineStep::default()],
            complete: true,
        },
        Reply::Failed {
            run: 3,
            message: "gone".into(),
        },
    ];
    for r in replies {
        assert_eq!(
            decode_reply(encode_reply(&r)).as_ref(),
            Ok(&r),
            "the compact form"
        );
        let back: Reply = decode(encode(&r).expect("encodes")).expect("decodes");
        assert_eq!(back, r);
    }
}

#[wasm_bindgen_test]
fn foreign_values_are_errors_not_panics() {
    assert!(decode::<Request>(JsValue::from_str("run")).is_err());
    assert!(decode::<Reply>(JsValue::NULL).is_err());
}
