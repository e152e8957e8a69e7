"""No import cycles in archiver/, generators/ and dibao/, counting the imports inside functions too.

A function-level import hides a cycle from Python but not from a reader: two modules that need each other
are one module in two files. The rule read here is the one the interpreter follows: `import a.b` and
`from a.b import x` run `a/__init__.py` and `a/b.py` (and `a/b/x.py` when x is a module); a module's own
package is not counted when it only reaches a sibling through it (`from . import sibling`), since the
package is already being imported when its submodules run. `if TYPE_CHECKING:` blocks are not imports.

KNOWN is a ratchet: the cycles left today, each with who is to break it. A new cycle fails; so does a known
one that is gone and still listed (take it off the list).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("archiver", "generators", "dibao")

KNOWN: dict[frozenset[str], str] = {}


def _modules() -> dict[str, Path]:
    found = {}
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _type_checking_only(tree: ast.Module) -> set[int]:
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    return skip


def _imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The modules of ours that importing `name` runs, as named in its source."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    own = {name.rsplit(".", i)[0] for i in range(1, name.count(".") + 1)} | {name}
    skip = _type_checking_only(tree)
    named: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            named |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            mod = ".".join([*base, node.module] if node.module else base)
            subs = {f"{mod}.{a.name}" for a in node.names} & known.keys()
            named |= subs
            if mod not in own or len(subs) < len(node.names):  # a name from its own package's body counts
                named.add(mod)
    runs = set()
    for mod in named:
        parts = mod.split(".")
        runs |= {m for m in (".".join(parts[:i]) for i in range(1, len(parts) + 1)) if m in known and m not in own}
        if mod in own and mod != name:
            runs.add(mod)
    return runs


def _cycles(graph: dict[str, set[str]]) -> set[frozenset[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: set[frozenset[str]] = set()
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            v, edges = work[-1]
            w = next(edges, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = set()
                while True:
                    x = stack.pop()
                    on_stack.discard(x)
                    comp.add(x)
                    if x == v:
                        break
                if len(comp) > 1:
                    found.add(frozenset(comp))
    return found


def _graph() -> dict[str, set[str]]:
    known = _modules()
    return {name: _imports(name, path, known) for name, path in known.items()}


def test_no_new_import_cycle_and_none_fixed_but_still_listed() -> None:
    graph = _graph()
    cycles = _cycles(graph)

    def show(c: frozenset[str]) -> str:
        return " ; ".join(f"{m} → {', '.join(sorted(graph[m] & c))}" for m in sorted(c))

    new = [show(c) for c in cycles - KNOWN.keys()]
    assert not new, "new import cycle (break it: move the shared piece into the lower module):\n" + "\n".join(new)
    gone = [KNOWN[c] for c in KNOWN.keys() - cycles]
    assert not gone, f"these cycles are broken or changed: update KNOWN in {Path(__file__).name}: {gone}"


def test_the_reader_sees_function_level_and_relative_imports(tmp_path: Path) -> None:
    """The rule itself: a late import counts, a sibling reached through the own package does not, a name
    from the own package's body does, and TYPE_CHECKING imports do not."""
    files = {
        "p/__init__.py": "from . import a\nVALUE = 1\n",
        "p/a.py": "from . import b\n\ndef f():\n    from q import c\n",
        "p/b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from p import a\n",
        "p/c.py": "from . import VALUE\n",
        "q/__init__.py": "",
        "q/c.py": "import p.a\n",
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    known = {n: tmp_path / f for n, f in (("p", "p/__init__.py"), ("p.a", "p/a.py"), ("p.b", "p/b.py"),
                                          ("p.c", "p/c.py"), ("q", "q/__init__.py"), ("q.c", "q/c.py"))}
    graph = {n: _imports(n, f, known) for n, f in known.items()}
    assert graph == {"p": {"p.a"}, "p.a": {"p.b", "q", "q.c"}, "p.b": set(), "p.c": {"p"}, "q": set(),
                     "q.c": {"p", "p.a"}}
    assert _cycles(graph) == {frozenset({"p", "p.a", "q.c"})}
