"""The office's document types: the built-in list (classify.ALL_TYPES) with the office's own additions,
renames and retirements from policy.toml `[document_types]`.

The one function every type list reads (the classifier's output, the web's type menus, corrections), so a
type the office added in the settings page is offered everywhere and a renamed one is never shown by its old
name. A retired type is no longer offered for new documents; documents already filed under it keep it.
"""

from __future__ import annotations

from archiver import classify
from archiver.policy import Policy

OTHER = "其他"


def renamed(policy: Policy) -> dict[str, str]:
    """old name → new name, as the office renamed them."""
    return dict(policy.document_types.renamed)


def canonical(policy: Policy, name: str) -> str:
    """A type as the office calls it now (follows renames, also chains of them)."""
    names = renamed(policy)
    seen = {name}
    while name in names and names[name] not in seen:
        name = names[name]
        seen.add(name)
    return name


def added(policy: Policy) -> list[str]:
    return list(policy.document_types.added)


def retired(policy: Policy) -> list[str]:
    return list(policy.document_types.retired)


def builtin() -> list[str]:
    return [t for t in classify.ALL_TYPES if t != OTHER]


def known(policy: Policy) -> list[str]:
    """Every type a document may carry, retired ones included (for showing what is filed)."""
    out: list[str] = []
    for t in [*builtin(), *added(policy)]:
        c = canonical(policy, t)
        if c not in out:
            out.append(c)
    return [*out, OTHER]


def names(policy: Policy) -> list[str]:
    """The types offered for new documents and corrections: known ones less the retired; 其他 last."""
    gone = set(retired(policy))
    return [t for t in known(policy) if t not in gone or t == OTHER]


def normalise(policy: Policy, value: str) -> str | None:
    """A type typed by a person → the office's name for it, or None when the office has no such type."""
    v = value.strip()
    if v in known(policy):
        return v
    built = classify.normalise_type(v)
    return canonical(policy, built) if built else None


def of_text(policy: Policy, text: str) -> str:
    """The type of a page's text as the office names it: a type the office added is recognised by its name in
    the first lines (its heading); otherwise the built-in classifier, followed through the office's renames."""
    head = "".join(line.strip() for line in text.splitlines()[:3] if line.strip()).replace(" ", "")
    for extra in sorted(added(policy), key=len, reverse=True):  # the longest name first: 残疾证明 before 残疾证
        if extra and extra in head:
            return canonical(policy, extra)
    return canonical(policy, classify.doc_type(text))
