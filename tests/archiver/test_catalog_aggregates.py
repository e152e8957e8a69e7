"""The catalog has one style: each aggregate is a module of archiver/catalog/ defining one mixin whose methods
run SQL on the catalog's connection, and `Catalog` joins them.

Joined mixins share one namespace: a method two of them define is silently the first one's (Python's MRO
picks it), so a query would run the wrong SQL with no error. These tests make such a clash fail loudly, and
keep the free-function style (`f(cat, ...)` reaching `cat.db`) from coming back.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

from archiver.catalog import Catalog
from archiver.catalog.core import CatalogCore

pytestmark = pytest.mark.unit

CATALOG = Path(__file__).resolve().parents[2] / "archiver" / "catalog"


def defined_twice(cls: type) -> dict[str, list[str]]:
    """Each name (dunders aside) that two classes of `cls`'s MRO define, with the classes that define it."""
    owners: dict[str, list[str]] = defaultdict(list)
    for c in cls.__mro__:
        if c is object:
            continue
        for name in vars(c):
            if not (name.startswith("__") and name.endswith("__")):
                owners[name].append(c.__qualname__)
    return {name: classes for name, classes in owners.items() if len(classes) > 1}


def test_no_two_aggregates_define_the_same_name() -> None:
    assert defined_twice(Catalog) == {}


def test_a_clash_between_two_mixins_is_found() -> None:
    class A(CatalogCore):
        def households(self) -> None: ...

    class B(CatalogCore):
        def _insert(self) -> None: ...  # type: ignore[override]

    class Joined(A, B):
        pass

    assert defined_twice(Joined) == {"_insert": ["test_a_clash_between_two_mixins_is_found.<locals>.B",
                                                 "CatalogCore"]}
    assert set(defined_twice(type("Again", (A, Catalog), {}))) == {"households"}


def test_each_aggregate_is_one_mixin_in_a_module_of_its_own() -> None:
    mixins = [c for c in Catalog.__mro__ if c not in (Catalog, CatalogCore, object)]
    assert all(c.__name__.endswith("Mixin") for c in mixins), [c.__name__ for c in mixins]
    modules = [c.__module__ for c in mixins]
    assert len(set(modules)) == len(modules), modules
    assert all(m.startswith("archiver.catalog.") for m in modules), modules


def test_no_free_function_reaches_a_catalogs_connection() -> None:
    """A query is a method on its aggregate's mixin, not `f(cat, ...)` running `cat.db.execute`."""
    found = []
    for path in sorted(CATALOG.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fn in tree.body:
            if isinstance(fn, ast.FunctionDef):
                params = {a.arg for a in fn.args.args}
                found += [f"{path.name}::{fn.name}" for node in ast.walk(fn)
                          if isinstance(node, ast.Attribute) and node.attr == "db"
                          and isinstance(node.value, ast.Name) and node.value.id in params]
    assert found == []


def test_callers_name_the_catalogs_row_not_the_driver() -> None:
    """Outside the catalog a row is `archiver.catalog.Row`, so a second dialect changes no caller."""
    root = CATALOG.parents[1]
    named = [p.relative_to(root).as_posix() for pkg in ("archiver", "generators", "dibao")
             for p in sorted((root / pkg).rglob("*.py"))
             if CATALOG not in p.parents and "sqlite3.Row" in p.read_text(encoding="utf-8")]
    assert named == []
