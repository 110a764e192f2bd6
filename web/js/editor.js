// The page's JavaScript side, bundled by esbuild into build/editor.js (npm run build):
// - `pyscopeEditor`: CodeMirror 6 with Python highlighting, the executing and just-executed
//   lines, an error underline with its message, a breakpoint gutter and click-to-run-to-line;
// - `pyscopeShell`: small browser chores for the Rust app (SVG export, timing marks).
import { EditorView, keymap, lineNumbers, highlightActiveLineGutter, highlightSpecialChars,
  drawSelection, highlightActiveLine, gutter, GutterMarker, Decoration } from "@codemirror/view";
import { EditorState, StateEffect, StateField, RangeSet } from "@codemirror/state";
import { indentOnInput, syntaxHighlighting, bracketMatching, HighlightStyle, indentUnit,
  LanguageSupport } from "@codemirror/language";
import { history, standardKeymap, historyKeymap, indentWithTab, toggleComment }
  from "@codemirror/commands";
import { tags as t } from "@lezer/highlight";
// The language alone, without lang-python's completion sources (smaller bundle).
import { pythonLanguage } from "@codemirror/lang-python";

// Token colours come from CSS variables, so the light and dark themes restyle them.
const highlight = HighlightStyle.define([
  { tag: t.keyword, color: "var(--tok-keyword)" },
  { tag: [t.string, t.special(t.string)], color: "var(--tok-string)" },
  { tag: [t.number, t.bool, t.null], color: "var(--tok-number)" },
  { tag: t.comment, color: "var(--tok-comment)", fontStyle: "italic" },
  { tag: [t.function(t.variableName), t.function(t.propertyName)], color: "var(--tok-function)" },
  { tag: [t.definition(t.variableName), t.className], color: "var(--tok-def)" },
  { tag: [t.operator, t.punctuation], color: "var(--tok-punct)" },
]);

// Line marks: { current, previous } 1-based lines (0 for none).
const setLines = StateEffect.define();
const currentMark = Decoration.line({ class: "cm-pyscope-current" });
const previousMark = Decoration.line({ class: "cm-pyscope-previous" });
const targetMark = Decoration.line({ class: "cm-pyscope-target" });

function lineDeco(doc, line, mark) {
  return line >= 1 && line <= doc.lines ? [mark.range(doc.line(line).from)] : [];
}

const stepLines = StateField.define({
  create: () => Decoration.none,
  update(marks, tr) {
    marks = marks.map(tr.changes);
    for (const e of tr.effects) {
      if (!e.is(setLines)) continue;
      const { current, previous, target } = e.value;
      const list = [
        ...(previous !== current ? lineDeco(tr.state.doc, previous, previousMark) : []),
        ...lineDeco(tr.state.doc, current, currentMark),
        ...lineDeco(tr.state.doc, target, targetMark),
      ].sort((a, b) => a.from - b.from);
      marks = Decoration.set(list, true);
    }
    return marks;
  },
  provide: (f) => EditorView.decorations.from(f),
});

// The error underline: { from, to, message } as document offsets, or null.
const setError = StateEffect.define();
const errorField = StateField.define({
  create: () => Decoration.none,
  update(marks, tr) {
    marks = marks.map(tr.changes);
    for (const e of tr.effects) {
      if (!e.is(setError)) continue;
      const v = e.value;
      marks = v ? Decoration.set([Decoration.mark({
        class: "cm-pyscope-error",
        attributes: { title: v.message, "data-testid": "error-mark" },
      }).range(v.from, v.to)]) : Decoration.none;
    }
    if (tr.docChanged) marks = Decoration.none;
    return marks;
  },
  provide: (f) => EditorView.decorations.from(f),
});

// Breakpoints: a set of 1-based lines, drawn as dots in their own gutter.
const setBreakpoints = StateEffect.define();
class Dot extends GutterMarker {
  toDOM() {
    const el = document.createElement("span");
    el.className = "cm-pyscope-bp";
    el.textContent = "●";
    return el;
  }
}
const dot = new Dot();
const breakpointField = StateField.define({
  create: () => RangeSet.empty,
  update(set, tr) {
    set = set.map(tr.changes);
    for (const e of tr.effects) {
      if (!e.is(setBreakpoints)) continue;
      const lines = e.value.filter((l) => l >= 1 && l <= tr.state.doc.lines);
      set = RangeSet.of(lines.map((l) => dot.range(tr.state.doc.line(l).from)), true);
    }
    return set;
  },
});

function lineAt(view, block) {
  return view.state.doc.lineAt(block.from).number;
}

globalThis.pyscopeEditor = {
  /**
   * Creates an editor in `parent` holding `doc`. `onChange(text)` runs after each edit,
   * `onBreakpoint(line)` when the breakpoint gutter is clicked, `onRunTo(line)` when a line
   * number is clicked.
   */
  create(parent, doc, onChange, onBreakpoint, onRunTo) {
    const extensions = [
        gutter({
          class: "cm-pyscope-bp-gutter",
          markers: (v) => v.state.field(breakpointField),
          initialSpacer: () => dot,
          domEventHandlers: {
            mousedown(view, block) {
              onBreakpoint(lineAt(view, block));
              return true;
            },
          },
        }),
        lineNumbers({
          domEventHandlers: {
            mousedown(view, block) {
              onRunTo(lineAt(view, block));
              return true;
            },
          },
        }),
        highlightActiveLineGutter(),
        highlightSpecialChars(),
        history(),
        drawSelection(),
        indentOnInput(),
        indentUnit.of("    "),
        syntaxHighlighting(highlight),
        bracketMatching(),
        highlightActiveLine(),
        keymap.of([...standardKeymap, ...historyKeymap, indentWithTab,
          { key: "Mod-/", run: toggleComment }]),
        new LanguageSupport(pythonLanguage),
        stepLines,
        errorField,
        breakpointField,
        EditorView.contentAttributes.of({ "aria-label": "Python code" }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) onChange(update.state.doc.toString());
        }),
    ];
    const view = new EditorView({ doc, parent, extensions });
    view.pyscopeExtensions = extensions;
    return view;
  },

  /** Shows another text (switching files), with its own undo history; not reported as an edit. */
  setDoc(view, text) {
    if (view.state.doc.toString() === text) return;
    view.setState(EditorState.create({ doc: text, extensions: view.pyscopeExtensions }));
  },

  /** Puts the cursor on 1-based `line` and focuses the editor. */
  focusLine(view, line) {
    if (line < 1 || line > view.state.doc.lines) return;
    const pos = view.state.doc.line(line).from;
    view.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
    view.focus();
  },

  /**
   * Marks `current` as the line about to run and `previous` as the one just run; `target`
   * flashes a line a traceback link points at (0: none).
   */
  markLines(view, current, previous, target) {
    view.dispatch({ effects: setLines.of({ current, previous, target }) });
    const line = target || current;
    if (line >= 1 && line <= view.state.doc.lines) {
      view.dispatch({ effects: EditorView.scrollIntoView(view.state.doc.line(line).from, { y: "nearest" }) });
    }
  },

  /** Underlines 1-based `line`:`col` (0-based) to `endLine`:`endCol` with `message`; line 0 clears. */
  markError(view, line, col, endLine, endCol, message) {
    const doc = view.state.doc;
    if (line < 1 || line > doc.lines) {
      view.dispatch({ effects: setError.of(null) });
      return;
    }
    const start = doc.line(line);
    const end = doc.line(Math.min(Math.max(endLine, line), doc.lines));
    let from = start.from + Math.min(col, start.length);
    let to = end.from + Math.min(endCol, end.length);
    if (to <= from) {
      // No width: underline to the end of the line, or the last character.
      to = start.to > from ? start.to : from;
      if (to === from && from > start.from) from -= 1;
    }
    view.dispatch({ effects: setError.of({ from, to: Math.max(to, from), message }) });
  },

  /** Shows breakpoints at the given 1-based lines. */
  setBreakpoints(view, lines) {
    view.dispatch({ effects: setBreakpoints.of(Array.from(lines)) });
  },
};

// The graph's CSS variables, resolved into an exported SVG so it looks the same standalone.
const GRAPH_VARS = ["--ink", "--muted", "--line", "--frame", "--frame-edge", "--object",
  "--object-edge", "--cell", "--key", "--changed", "--accent", "--str", "--num", "--const",
  "--arrow", "--probe", "--collision", "--unused", "--bg"];

globalThis.pyscopeShell = {
  /** Downloads `svg` (an element) as `name`, with the page's graph styles inlined. */
  exportSvg(svg, name) {
    const copy = svg.cloneNode(true);
    copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
    const root = getComputedStyle(document.documentElement);
    const vars = GRAPH_VARS.map((v) => `${v}: ${root.getPropertyValue(v)};`).join(" ");
    let rules = "";
    for (const sheet of document.styleSheets) {
      let list;
      try { list = sheet.cssRules; } catch { continue; }
      for (const rule of list) {
        if (rule.selectorText && rule.selectorText.includes(".graph")) rules += rule.cssText + "\n";
      }
    }
    const style = document.createElementNS("http://www.w3.org/2000/svg", "style");
    style.textContent = `svg { ${vars} background: ${root.getPropertyValue("--bg")}; }\n${rules}`;
    copy.insertBefore(style, copy.firstChild);
    const text = new XMLSerializer().serializeToString(copy);
    const url = URL.createObjectURL(new Blob([text], { type: "image/svg+xml" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  },

  /** The value stored under `key`, or "" (storage may be unavailable). */
  load(key) {
    try { return localStorage.getItem(key) ?? ""; } catch { return ""; }
  },

  /** Stores `value` under `key`, ignoring a full or unavailable storage. */
  save(key, value) {
    try { localStorage.setItem(key, value); } catch { /* nothing to do */ }
  },

  /** Replaces the address's fragment (and drops its query) without a history entry. */
  replaceHash(hash) {
    window.history.replaceState(window.history.state, "", `${location.pathname}#${hash}`);
  },

  /** Whether the OS asks for a dark theme. */
  prefersDark() {
    return matchMedia("(prefers-color-scheme: dark)").matches;
  },

  /** Applies a theme ("light" or "dark") to the page. */
  setTheme(name) {
    document.documentElement.dataset.theme = name;
  },

  /** Removes the loading indicator that index.html shows until the app starts. */
  loaded() {
    document.getElementById("loading")?.remove();
  },

  /** Scrolls `container` (a selector) so that its element matching `item` is in view. */
  keepInView(container, item) {
    requestAnimationFrame(() => {
      const box = document.querySelector(container);
      const el = box?.querySelector(item);
      if (!box || !el) return;
      const top = el.offsetTop - box.offsetTop;
      if (top < box.scrollTop || top + el.offsetHeight > box.scrollTop + box.clientHeight) {
        box.scrollTop = Math.max(0, top - box.clientHeight / 3);
      }
    });
  },

  /** A performance mark (measurements read them). */
  mark(name) {
    performance.mark(name);
  },

  /** Marks `name` once the next frame has been painted. */
  markAfterPaint(name) {
    requestAnimationFrame(() => setTimeout(() => performance.mark(name), 0));
  },
};
