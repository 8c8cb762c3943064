"""Where the cells ran: the machine before and after the run (matrix.json's "machine", in
the spirit of pyperf's ``system show``), or, for an older folder, what the run records say.

The load average is the one noise source a report can see afterwards.  "High" is said when
the 1-minute load before the run exceeds half the cores (other work was running), or after
it exceeds 1 + half the cores (the run's own process accounts for about 1).
"""

HIGH_LOAD_SHARE = 0.5


def facts(folder):
    """{"before", "after", "load_high", "note"} from matrix.json, or None."""
    machine = (folder.matrix or {}).get("machine")
    if not isinstance(machine, dict):
        return None
    before, after = machine.get("before"), machine.get("after")
    reasons = [why for why in (high_load(before, 0.0, "before the run"),
                               high_load(after, 1.0, "after it")) if why]
    note = None
    if reasons:
        note = ("the 1-minute load average was %s, on %s cores: other work shared the "
                "machine (a set-up that has just built the venvs counts too: the average "
                "trails by a minute or so), so the timings are noisier" % (" and ".join(reasons),
                                                         (before or after or {}).get("cores")))
    return {"before": before, "after": after, "load_high": bool(reasons), "note": note}


def high_load(state, own, when):
    """'2.10 before the run (above 1.0)' when this state's 1-minute load was high, else
    None."""
    try:
        load, cores = float(state["load_average"][0]), int(state["cores"])
    except (TypeError, ValueError, KeyError, IndexError):
        return None
    limit = own + HIGH_LOAD_SHARE * cores
    if load > limit:
        return "%.2f %s (above %.1f)" % (load, when, limit)
    return None


def lines(folder, rows):
    """Markdown lines: the machine, its load before and after, then the interpreters."""
    found = facts(folder)
    if found and isinstance(found["before"], dict):
        before, after = found["before"], found["after"] or {}
        text = ["Machine: %s, %s cores, governor %s, %s available; load average (1, 5, 15 "
                "min) %s before the run, %s after." % (
                    before.get("cpu_model") or "unknown CPU", before.get("cores") or "?",
                    before.get("governor") or "unreadable",
                    memory(before.get("memory_available_bytes")),
                    load_text(before), load_text(after) if after else "not recorded "
                    "(the run did not finish)")]
        if found["note"]:
            text.append("**Note: %s.**" % found["note"])
    else:
        text = record_machine(folder)
    return text + interpreter_lines(folder, rows) + [""]


def record_machine(folder):
    """An older folder: the first run record's CPU, cores, node and git revision."""
    if not folder.runs:
        return []
    first = folder.runs[0].record
    return ["Machine: %s, %s cores (%s); git %s; no load average recorded (a folder from "
            "before matrix.json)." % (first.cpu or "unknown CPU", first.cpu_count or "?",
                                     first.node or "?", first.git or "unknown")]


def interpreter_lines(folder, rows):
    """One line per interpreter: label, implementation and version, JIT, numpy."""
    seen, text = set(), []
    numpy = dict((r.name, r.record.numpy) for r in folder.runs)
    for row in rows:
        key = row.interpreter_label
        if key in seen:
            continue
        seen.add(key)
        jit = {True: ", JIT on", False: ", JIT off", None: ""}[row.jit]
        text.append("- %s: %s %s (Python %s)%s, numpy %s" % (
            key, row.implementation, row.interpreter_version,
            row.interpreter.split(" ", 1)[-1], jit, numpy.get(row.cell) or "-"))
    return text


def load_text(state):
    try:
        return "/".join("%.2f" % v for v in state["load_average"])
    except (TypeError, KeyError):
        return "unknown"


def memory(count):
    return "%.1f GB memory" % (count / 1e9) if isinstance(count, (int, float)) else \
        "unknown memory"
