// The page's code editor: CodeMirror 6 with Python highlighting, exposed to the Rust app as
// the global `pyscopeEditor`. esbuild bundles this file into build/editor.js (npm run build).
import { EditorView, basicSetup } from "codemirror";
import { python } from "@codemirror/lang-python";
import { StateEffect, StateField } from "@codemirror/state";
import { Decoration } from "@codemirror/view";

// Which line (1-based, 0 for none) the step being shown executes.
const setLine = StateEffect.define();

const lineMark = Decoration.line({ class: "cm-pyscope-current" });

const currentLine = StateField.define({
  create() {
    return Decoration.none;
  },
  update(marks, tr) {
    marks = marks.map(tr.changes);
    for (const effect of tr.effects) {
      if (!effect.is(setLine)) continue;
      const line = effect.value;
      if (line < 1 || line > tr.state.doc.lines) {
        marks = Decoration.none;
      } else {
        marks = Decoration.set([lineMark.range(tr.state.doc.line(line).from)]);
      }
    }
    return marks;
  },
  provide: (field) => EditorView.decorations.from(field),
});

globalThis.pyscopeEditor = {
  /** Creates an editor in `parent` holding `doc`; `onChange(text)` runs after each edit. */
  create(parent, doc, onChange) {
    return new EditorView({
      doc,
      parent,
      extensions: [
        basicSetup,
        python(),
        currentLine,
        EditorView.updateListener.of((update) => {
          if (update.docChanged) onChange(update.state.doc.toString());
        }),
      ],
    });
  },

  /** Highlights 1-based `line` as the one executing (0 removes the highlight). */
  markLine(view, line) {
    view.dispatch({ effects: setLine.of(line) });
  },
};
