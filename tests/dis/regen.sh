#!/bin/sh
# Regenerates the golden files of the disassembler tests from CPython 3.11:
# for every NAME.py here, NAME.dis is `python3 -m dis NAME.py` (code-object addresses
# replaced by 0x…) and NAME.positions lists every instruction's source position.
# String hashing is fixed (PYTHONHASHSEED=0) so that frozenset constants print stably.
set -eu
cd "$(dirname "$0")"
PYTHON=${PYTHON:-python3}
"$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || {
    echo "regen.sh needs Python 3.11 (set PYTHON=...)" >&2
    exit 1
}
export PYTHONHASHSEED=0
for src in *.py; do
    name=${src%.py}
    "$PYTHON" -m dis "$src" | sed -E 's/0x[0-9a-f]+/0x…/g' > "$name.dis"
    "$PYTHON" - "$src" > "$name.positions" <<'PY'
import dis
import sys
import types

path = sys.argv[1]
with open(path, encoding="utf-8") as f:
    code = compile(f.read(), path, "exec")


def walk(c):
    for i in dis.get_instructions(c):
        if i.opname == "CACHE":
            continue
        p = i.positions
        print(c.co_qualname, i.opname, p.lineno, p.end_lineno, p.col_offset, p.end_col_offset)
    for k in c.co_consts:
        if isinstance(k, types.CodeType):
            walk(k)


walk(code)
PY
done
