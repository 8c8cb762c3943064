"""Across interpreters (a renderer): when a folder holds several interpreters, a table of
variants x interpreters (s/gen with its spread, and the ratio to the fastest CPython cell)
and sentences that answer the questions a user asks of it, each worded by its interval:
how far PyPy + the unrolled creature is ahead of the best CPython cell, what each CPython
version and its JIT gained, what newer PyPys gained, and whether cpyext (PyPy + numpy)
improved.  The c cell is the limit, not a way of running Python: it is left out of "the
best CPython cell"."""
from ev.reporting.load import LIMIT
from ev.reporting.ratios import ratio
from ev.reporting.words import (compare, contains_one, join, ratio_of, seconds_text,
                                spread_text)

VARIANT_WORDS = {"numpy": "the numpy creature", "specialized": "the unrolled creature"}


def version_key(text):
    parts = []
    for piece in str(text).replace("-", ".").split("."):
        parts.append(int(piece) if piece.isdigit() else 0)
    return parts


def ordered_interpreters(rows):
    """[(label, implementation, version, jit)]: CPythons oldest first (JIT off before on),
    then PyPys oldest first, then anything else."""
    found = {}
    for r in rows:
        found.setdefault(r.interpreter_label, (r.interpreter_label, r.implementation,
                                               r.interpreter_version, r.jit))
    rank = {"CPython": 0, "PyPy": 1}
    return sorted(found.values(), key=lambda i: (rank.get(i[1], 2), version_key(i[2]),
                                                 bool(i[3]), i[0]))


def best_cpython(rows):
    """The fastest CPython cell that is not the c cell, or None."""
    cpython = [r for r in rows if r.implementation == "CPython" and r.variant != LIMIT
               and r.median_seconds]
    return min(cpython, key=lambda r: r.median_seconds) if cpython else None


def section(rows, base):
    """The markdown section (nothing when the folder holds one interpreter)."""
    interpreters = ordered_interpreters(rows)
    if len(interpreters) < 2:
        return []
    best = best_cpython(rows)
    labels = [i[0] for i in interpreters]
    variants = []
    for r in rows:
        if r.variant not in variants:
            variants.append(r.variant)
    lines = ["Across interpreters: s/gen (spread) and, below it, the speed-up over the fastest "
             "Python cell on CPython by median%s (within rounds; the c cell, C driven by CPython, is "
             "the limit, not one of them)." % (" (%s)" % best.cell if best else ""), "",
             "| variant | %s |" % " | ".join(interpreter_heading(i) for i in interpreters),
             "| --- |%s" % (" ---: |" * len(labels))]
    cells = dict(((r.variant, r.interpreter_label), r) for r in rows)
    for variant in variants:
        lines.append("| %s | %s |" % (variant, " | ".join(
            entry(cells.get((variant, label)), best) for label in labels)))
    return lines + [""] + [" ".join(["Across interpreters:"] + sentences(rows, interpreters,
                                                                         best))] + [""]


def interpreter_heading(interpreter):
    label, implementation, version, jit = interpreter
    return "%s (%s %s%s)" % (label, implementation, version, ", JIT" if jit else "")


def entry(row, best):
    if row is None or not row.median_seconds:
        return "-"
    text = "%s s (%s)" % (seconds_text(row.median_seconds), spread_text(row))
    if best is not None:
        text += "<br>%s" % ratio_of(ratio(best, row))
    return text


def sentences(rows, interpreters, best):
    """The answers, each a sentence; a question the folder cannot answer says so."""
    cells = dict(((r.variant, r.interpreter_label), r) for r in rows)
    cpythons = [i for i in interpreters if i[1] == "CPython"]
    pypys = [i for i in interpreters if i[1] == "PyPy"]
    return (pypy_ahead(cells, pypys, cpythons, best) + cpython_gains(cells, cpythons)
            + pypy_gains(cells, pypys))


def pypy_ahead(cells, pypys, cpythons, best):
    """How far each PyPy's unrolled cell is from the best CPython cell, and from the best
    CPython running the same unrolled creature."""
    text = []
    same_code = [cells[("specialized", i[0])] for i in cpythons
                 if ("specialized", i[0]) in cells and cells[("specialized", i[0])].median_seconds]
    best_same = min(same_code, key=lambda r: r.median_seconds) if same_code else None
    if best is not None:
        tied = [r for r in cells.values() if r is not best and r.implementation == "CPython"
                and r.variant != LIMIT and r.median_seconds
                and contains_one(ratio(r, best))]
        if tied:
            text.append("The best CPython cell by median is %s, with no measurable difference "
                        "from %s (within rounds: %s)." % (
                            best.cell, join(r.cell for r in tied),
                            join("%s %s" % (r.cell, ratio_of(ratio(r, best)))
                                 for r in tied)))
    for interpreter in pypys:
        row = cells.get(("specialized", interpreter[0]))
        if row is None or not row.median_seconds:
            continue
        for other in [best] + ([best_same] if best_same is not best else []):
            if other is not None:
                text.append("PyPy + the unrolled creature against %s: %s." % (
                    "the best CPython cell" if other is best else
                    "the best CPython cell running the same unrolled creature",
                    compare(row, other, ratio(other, row))))
    if not text:
        text.append("No PyPy + unrolled cell and CPython cell to compare.")
    return text


def cpython_gains(cells, cpythons):
    """Each newer CPython against the oldest, and each JIT against the same version without
    it, on the numpy and on the unrolled creature."""
    plain = [i for i in cpythons if not i[3]]
    if len(cpythons) < 2:
        return ["One CPython in this folder: nothing to compare across CPython versions."]
    text = []
    for variant in ("numpy", "specialized"):
        said = []
        for newer in plain[1:]:
            said += gain(cells, variant, newer, plain[0])
        for jit in (i for i in cpythons if i[3]):
            twin = [i for i in plain if i[2] == jit[2]]
            if twin:
                said += gain(cells, variant, jit, twin[0])
        if said:
            text.append("On %s: %s." % (VARIANT_WORDS[variant], join(said)))
    return text


def pypy_gains(cells, pypys):
    """Each newer PyPy against the oldest: on the unrolled creature, and on numpy (cpyext)."""
    if len(pypys) < 2:
        return ["One PyPy in this folder: nothing to compare across PyPy versions, and no "
                "answer on whether cpyext (PyPy + numpy) improved."]
    text = []
    for variant, words in (("specialized", "Newer PyPys on the unrolled creature"),
                           ("numpy", "cpyext (PyPy + numpy) across PyPy versions")):
        said = []
        for newer in pypys[1:]:
            said += gain(cells, variant, newer, pypys[0])
        text.append("%s: %s." % (words, join(said) if said else "not measured in this folder"))
    return text


def gain(cells, variant, newer, older):
    """['cpython3.14-numpy is faster than cpython3.11-numpy: 1.3x (...)'] or [] when a
    cell is missing."""
    a, b = cells.get((variant, newer[0])), cells.get((variant, older[0]))
    if a is None or b is None or not a.median_seconds or not b.median_seconds:
        return []
    return [compare(a, b, ratio(b, a))]

