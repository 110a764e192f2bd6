//! Behaviour of the memory-graph layout on hand-built trace states.

use pyscope_layout::{Cell, GraphLayout, Options, Rect, Shape, Side, layout};
use pyscope_trace::{
    Binding, FrameView, HeapObject, ModuleEntry, ObjectId, ObjectValue, SetTable, State,
};

fn obj(id: ObjectId, type_name: &str, value: ObjectValue) -> HeapObject {
    HeapObject {
        id,
        type_name: type_name.into(),
        class: None,
        refcount: 1,
        address: 0x1000 + id * 16,
        size: 28,
        value,
    }
}

fn int(id: ObjectId, v: i64) -> HeapObject {
    obj(
        id,
        "int",
        ObjectValue::Int {
            repr: v.to_string(),
        },
    )
}

fn list(id: ObjectId, items: &[ObjectId]) -> HeapObject {
    obj(
        id,
        "list",
        ObjectValue::List {
            items: items.to_vec(),
            allocated: items.len() as u64,
        },
    )
}

fn binds(vars: &[(&str, ObjectId)]) -> Vec<Binding> {
    vars.iter()
        .map(|(n, id)| Binding {
            name: n.to_string(),
            value: Some(*id),
        })
        .collect()
}

fn frame(name: &str, depth: u32, vars: &[(&str, ObjectId)]) -> FrameView {
    FrameView {
        id: depth.into(),
        name: name.into(),
        qualname: name.into(),
        depth,
        locals: binds(vars),
        ..Default::default()
    }
}

fn state(frames: Vec<FrameView>, mut heap: Vec<HeapObject>) -> State {
    heap.sort_by_key(|o| o.id);
    State {
        frames,
        heap,
        ..Default::default()
    }
}

fn overlaps(a: &Rect, b: &Rect) -> bool {
    a.x < b.right() && b.x < a.right() && a.y < b.bottom() && b.y < a.bottom()
}

fn arrows_to(g: &GraphLayout, id: ObjectId) -> Vec<String> {
    g.arrows
        .iter()
        .filter(|a| a.to == id)
        .map(|a| a.from.clone())
        .collect()
}

/// `a = [1, 2]; b = a; b.append(3)` at the module's return.
fn aliasing() -> State {
    state(
        vec![frame("<module>", 0, &[("a", 10), ("b", 10)])],
        vec![list(10, &[1, 2, 3]), int(1, 1), int(2, 2), int(3, 3)],
    )
}

#[test]
fn aliased_list_is_one_object_with_two_arrows() {
    let g = layout(&aliasing(), &Options::default());
    assert_eq!(g.frames.len(), 1);
    let names: Vec<&str> = g.frames[0].vars.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["a", "b"]);
    assert_eq!(g.objects.len(), 1);
    let l = &g.objects[0];
    assert_eq!(
        (l.id, l.type_name.as_str(), l.shape),
        (10, "list", Shape::Sequence)
    );
    let texts: Vec<String> = l
        .slots
        .iter()
        .map(|s| match &s.value {
            Cell::Inline { text, .. } => format!("{}={text}", s.label),
            Cell::Ref(id) => format!("{}=#{id}", s.label),
            Cell::Nested(b) => format!("{}=[#{}]", s.label, b.id),
        })
        .collect();
    assert_eq!(texts, ["0=1", "1=2", "2=3"]);
    assert_eq!(arrows_to(&g, 10), ["0:a", "0:b"]);
}

#[test]
fn arrows_leave_the_variable_cell_and_enter_the_object_title() {
    let g = layout(&aliasing(), &Options::default());
    let frame = &g.frames[0];
    let list = &g.objects[0];
    assert!(
        list.rect.x > frame.rect.right(),
        "heap column is right of the frames"
    );
    for (arrow, var) in g.arrows.iter().zip(&frame.vars) {
        assert_eq!(arrow.start, var.cell.center());
        assert_eq!(arrow.side, Side::Left);
        assert_eq!(arrow.end.x, list.rect.x);
        assert!(arrow.end.y > list.rect.y && arrow.end.y < list.rect.bottom());
        let d = arrow.path();
        assert!(
            d.starts_with(&format!("M {:.1} {:.1} C", arrow.start.x, arrow.start.y)),
            "{d}"
        );
        assert!(
            d.ends_with(&format!("{:.1} {:.1}", arrow.end.x, arrow.end.y)),
            "{d}"
        );
    }
    assert!(
        g.width >= list.rect.right() && g.height >= frame.rect.bottom().max(list.rect.bottom())
    );
}

#[test]
fn primitives_are_inline_by_default_and_boxed_on_request() {
    let s = state(
        vec![frame(
            "<module>",
            0,
            &[("x", 1), ("s", 2), ("n", 3), ("t", 4)],
        )],
        vec![
            int(1, 5),
            obj(
                2,
                "str",
                ObjectValue::Str {
                    value: "it's".into(),
                },
            ),
            obj(3, "NoneType", ObjectValue::None),
            obj(4, "bool", ObjectValue::Bool { value: true }),
        ],
    );
    let g = layout(&s, &Options::default());
    assert!(g.objects.is_empty() && g.arrows.is_empty());
    let cells: Vec<String> = g.frames[0]
        .vars
        .iter()
        .map(|v| match &v.value {
            Cell::Inline { text, .. } => text.clone(),
            Cell::Ref(_) | Cell::Nested(_) => "ref".into(),
        })
        .collect();
    assert_eq!(cells, ["5", "\"it's\"", "None", "True"]);

    let boxed = layout(
        &s,
        &Options {
            inline_primitives: false,
            ..Options::default()
        },
    );
    assert_eq!(boxed.objects.len(), 4);
    assert_eq!(boxed.arrows.len(), 4);
    assert_eq!(boxed.objects[0].text.as_deref(), Some("5"));
}

#[test]
fn nested_objects_go_right_of_their_parent_without_overlap() {
    let s = state(
        vec![frame("<module>", 0, &[("m", 20), ("other", 30)])],
        vec![
            list(20, &[21, 22, 23]),
            list(21, &[1]),
            list(22, &[1, 1]),
            list(23, &[24]),
            list(24, &[]),
            list(30, &[21]),
            int(1, 7),
        ],
    );
    let g = layout(&s, &Options::default());
    let ids: Vec<ObjectId> = g.objects.iter().map(|o| o.id).collect();
    assert_eq!(ids, [20, 21, 22, 23, 24, 30]);
    let rect = |id| {
        g.objects
            .iter()
            .find(|o| o.id == id)
            .map(|o| o.rect)
            .unwrap_or_default()
    };
    assert!(rect(21).x > rect(20).right() && rect(24).x > rect(23).right());
    assert_eq!(rect(21).x, rect(22).x);
    assert!(rect(22).y >= rect(21).bottom());
    for (i, a) in g.objects.iter().enumerate() {
        for b in &g.objects[i + 1..] {
            assert!(!overlaps(&a.rect, &b.rect), "#{} overlaps #{}", a.id, b.id);
        }
    }
    assert_eq!(arrows_to(&g, 21), ["20[0]", "30[0]"]);
    assert_eq!(
        g.objects
            .iter()
            .find(|o| o.id == 24)
            .and_then(|o| o.text.clone())
            .as_deref(),
        Some("empty")
    );
}

#[test]
fn dict_slots_use_key_reprs_and_heap_keys_get_arrows() {
    let s = state(
        vec![frame("<module>", 0, &[("d", 40)])],
        vec![
            obj(
                40,
                "dict",
                ObjectValue::Dict {
                    entries: vec![(41, 1), (42, 43), (44, 2)],
                    table: None,
                },
            ),
            obj(41, "str", ObjectValue::Str { value: "a".into() }),
            obj(42, "str", ObjectValue::Str { value: "b".into() }),
            list(43, &[]),
            obj(44, "tuple", ObjectValue::Tuple { items: vec![1, 2] }),
            int(1, 1),
            int(2, 2),
        ],
    );
    let g = layout(&s, &Options::default());
    let d = &g.objects[0];
    assert_eq!(d.shape, Shape::Table);
    let froms: Vec<&str> = d.slots.iter().map(|s| s.from.as_str()).collect();
    assert_eq!(froms, ["40['a']", "40['b']", "40[(1, 2)]"]);
    assert_eq!(d.slots[2].key_ref, Some(44));
    assert_eq!(arrows_to(&g, 43), ["40['b']"]);
    assert_eq!(arrows_to(&g, 44), ["40[(1, 2)]:key"]);
}

#[test]
fn the_main_module_is_not_drawn_again_but_the_current_exception_is() {
    let mut s = aliasing();
    s.heap.push(obj(
        90,
        "module",
        ObjectValue::Module {
            name: "__main__".into(),
            attrs: binds(&[("a", 10), ("b", 10)]),
        },
    ));
    s.heap.push(obj(
        91,
        "ZeroDivisionError",
        ObjectValue::Exception {
            args: vec![],
            message: "division by zero".into(),
            cause: None,
            context: None,
        },
    ));
    s.heap.sort_by_key(|o| o.id);
    s.modules = vec![
        ModuleEntry {
            name: "__main__".into(),
            id: Some(90),
        },
        ModuleEntry {
            name: "sys".into(),
            id: None,
        },
    ];
    s.exception = Some(91);
    let g = layout(&s, &Options::default());
    let ids: Vec<ObjectId> = g.objects.iter().map(|o| o.id).collect();
    assert_eq!(ids, [10, 91]);
    assert_eq!(arrows_to(&g, 10), ["0:a", "0:b"]);
    assert_eq!(g.objects[1].text.as_deref(), Some("division by zero"));
}

#[test]
fn self_reference_is_drawn_once_with_a_loop_arrow() {
    let s = state(
        vec![frame("<module>", 0, &[("x", 50)])],
        vec![list(50, &[50])],
    );
    let g = layout(&s, &Options::default());
    assert_eq!(g.objects.len(), 1);
    assert_eq!(arrows_to(&g, 50), ["0:x", "50[0]"]);
    assert_eq!(g.arrows[1].side, Side::Bottom);
}

#[test]
fn frames_stack_and_show_cells_return_values_but_not_dunders() {
    let mut module = frame("<module>", 0, &[("__name__", 2), ("f", 60)]);
    module.locals.push(Binding {
        name: "later".into(),
        value: None,
    });
    let mut f = frame("f", 1, &[("n", 1)]);
    f.cells = binds(&[("acc", 61)]);
    f.return_value = Some(3);
    let s = state(
        vec![module, f],
        vec![
            int(1, 4),
            obj(
                2,
                "str",
                ObjectValue::Str {
                    value: "__main__".into(),
                },
            ),
            obj(3, "NoneType", ObjectValue::None),
            obj(
                60,
                "function",
                ObjectValue::Function {
                    name: "f".into(),
                    qualname: "f".into(),
                    signature: "(n)".into(),
                    defaults: vec![],
                    kwdefaults: vec![],
                    closure: vec![],
                    code: 1,
                },
            ),
            obj(61, "cell", ObjectValue::Cell { contents: Some(62) }),
            list(62, &[]),
        ],
    );
    let g = layout(&s, &Options::default());
    let vars = |i: usize| {
        g.frames[i]
            .vars
            .iter()
            .map(|v| v.name.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(vars(0), ["f"]);
    assert_eq!(vars(1), ["n", "acc", "Return value"]);
    assert_eq!(
        (g.frames[0].title.as_str(), g.frames[1].title.as_str()),
        ("Global frame", "f")
    );
    assert!(!g.frames[0].current && g.frames[1].current);
    assert!(g.frames[1].rect.y > g.frames[0].rect.bottom());
    assert_eq!(g.objects[0].title, "function f(n)");
    assert_eq!(arrows_to(&g, 62), ["1:acc"]);
    let shown = layout(
        &s,
        &Options {
            show_dunders: true,
            ..Options::default()
        },
    );
    assert_eq!(shown.frames[0].vars[0].name, "__name__");
}

#[test]
fn limits_cut_objects_and_items() {
    let children: Vec<ObjectId> = (101..=110).collect();
    let mut heap: Vec<HeapObject> = children.iter().map(|c| list(*c, &[])).collect();
    heap.push(list(100, &children));
    let s = state(vec![frame("<module>", 0, &[("xs", 100)])], heap);
    let g = layout(
        &s,
        &Options {
            max_objects: 5,
            ..Options::default()
        },
    );
    assert_eq!(g.objects.len(), 5);
    assert_eq!(g.hidden_objects, 6);
    assert_eq!(
        g.arrows.len(),
        5,
        "one arrow from the variable, four from placed items"
    );

    let ints: Vec<HeapObject> = (1..=100).map(|i| int(i, i as i64)).collect();
    let mut heap = ints;
    heap.push(list(200, &(1..=100).collect::<Vec<_>>()));
    let s = state(vec![frame("<module>", 0, &[("big", 200)])], heap);
    let g = layout(&s, &Options::default());
    assert_eq!(g.objects[0].slots.len(), 60);
    assert_eq!(g.objects[0].hidden_items, 40);
}

#[test]
fn deep_chains_wrap_into_new_rows() {
    let mut heap = Vec::new();
    for i in 0..20 {
        let next: Vec<ObjectId> = if i < 19 { vec![301 + i] } else { vec![] };
        heap.push(list(300 + i, &next));
    }
    let s = state(vec![frame("<module>", 0, &[("head", 300)])], heap);
    let g = layout(&s, &Options::default());
    assert_eq!(g.objects.len(), 20);
    assert_eq!(g.arrows.len(), 20);
    let xs: std::collections::BTreeSet<i64> = g.objects.iter().map(|o| o.rect.x as i64).collect();
    assert!(xs.len() <= 6, "at most six columns, got {xs:?}");
    for (i, a) in g.objects.iter().enumerate() {
        for b in &g.objects[i + 1..] {
            assert!(!overlaps(&a.rect, &b.rect), "#{} overlaps #{}", a.id, b.id);
        }
    }
}

#[test]
fn sets_and_missing_objects() {
    let s = state(
        vec![frame("<module>", 0, &[("s", 70), ("ghost", 999)])],
        vec![
            obj(
                70,
                "set",
                ObjectValue::Set {
                    items: vec![1],
                    frozen: true,
                    table: SetTable::default(),
                },
            ),
            int(1, 3),
        ],
    );
    let g = layout(&s, &Options::default());
    assert_eq!(g.objects[0].title, "frozenset");
    assert_eq!(g.objects[0].slots[0].from, "70[0]");
    assert_eq!(
        g.frames[0].vars[1].value,
        Cell::Inline {
            text: "?".into(),
            type_name: "missing".into()
        }
    );
}

#[test]
fn states_from_json_lay_out_the_same() {
    let s = aliasing();
    let json = serde_json::to_string(&s).expect("states serialize");
    let back: State = serde_json::from_str(&json).expect("states deserialize");
    assert_eq!(
        layout(&back, &Options::default()),
        layout(&s, &Options::default())
    );
}
