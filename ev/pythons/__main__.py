"""python -m ev.pythons add SUITE|NAME|all ... | list [--json] | remove SUITE | which LIST

Provides the Pythons ev can run besides the host's: one Debian root per suite (trixie:
cpython3.13, pypy7.3.19; sid: cpython3.14[-jit], cpython3.15[-jit], pypy8.0), cached in
$XDG_CACHE_HOME/ev/roots (default ~/.cache/ev/roots; EV_ROOTS overrides)."""
import argparse
import fcntl
import json
import os
import sys
import time

from ev.pythons import catalogue, names, probe, roots
from ev.pythons.provision import Provisioner, ProvisionError


def suite_of(word):
    """A suite, or the suite of an interpreter's name (add pypy8.0 = add sid)."""
    if word in catalogue.PACKAGES:
        return word
    if word in catalogue.BY_NAME:
        return catalogue.BY_NAME[word].suite
    raise ProvisionError("unknown suite or interpreter %r: give one of %s" % (
        word, ", ".join(catalogue.SUITES + tuple(catalogue.BY_NAME))))


def add(words):
    wanted = [suite for word in words
              for suite in (catalogue.SUITES if word == "all" else [suite_of(word)])]
    for suite in dict.fromkeys(wanted):
        started = time.monotonic()
        Provisioner(suite, say=progress).add()
        progress("%s: %.1f s in all" % (suite, time.monotonic() - started))


def progress(line):
    print("[%s] %s" % (time.strftime("%H:%M:%S"), line), flush=True)


def listing():
    """Each suite: state, place, and each interpreter's version as recorded when it was made."""
    rows = []
    for suite in catalogue.SUITES:
        record = roots.ready_record(suite) or {}
        state = ("ready" if roots.is_ready(suite) else
                 "being made by another add" if being_made(suite) else
                 "incomplete (run add again to resume)" if os.path.exists(roots.root_of(suite))
                 else "absent")
        rows.append({"suite": suite, "state": state, "root": roots.root_of(suite),
                     "interpreters": {name: (record.get("interpreters", {}).get(name) or {})
                                      .get("version") for name in catalogue.names_of(suite)},
                     "step_seconds": record.get("step_seconds")})
    return rows


def being_made(suite):
    """A provisioner holds the suite's lock now."""
    try:
        with open(os.path.join(roots.roots_dir(), ".%s.lock" % suite)) as lock:
            fcntl.flock(lock, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    return False


def show(rows, as_json):
    if as_json:
        print(json.dumps(rows, indent=1))
        return
    for row in rows:
        print("%-7s %-40s %s" % (row["suite"], row["state"], row["root"]))
        for name, version in row["interpreters"].items():
            print("          %-16s %s" % (name, version or "-"))


def remove(suites):
    for word in suites:
        suite = suite_of(word)
        roots.remove_tree(roots.root_of(suite))
        for step in os.listdir(roots.roots_dir()) if os.path.isdir(roots.roots_dir()) else ():
            if step.startswith(".%s.partial-" % suite):
                roots.remove_tree(os.path.join(roots.roots_dir(), step))
        print("%s: removed" % suite)


def which(text, as_json):
    """What an --interpreters list resolves to: label, where, what it answers (when it can run)."""
    rows = []
    for interpreter in names.parse(text):
        row = {"label": interpreter.label, "where": interpreter.where, "python": interpreter.python,
               "env": interpreter.env, "suite": interpreter.suite}
        if interpreter.missing():
            row["missing"] = interpreter.missing()
        else:
            row["ran"] = probe.summary(probe.describe(interpreter))
        rows.append(row)
    if as_json:
        print(json.dumps(rows, indent=1))
        return
    for row in rows:
        print("%-18s %-12s %s" % (row["label"], row["where"], row.get("ran") or row["missing"]))


def parser():
    top = argparse.ArgumentParser(prog="python -m ev.pythons", description=__doc__,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = top.add_subparsers(dest="command", required=True)
    adding = commands.add_parser("add", help="make (or finish) the roots of suites/interpreters "
                                 "(all: every suite)")
    adding.add_argument("what", nargs="+", metavar="SUITE|NAME|all")
    listed = commands.add_parser("list", help="the roots and their interpreters' versions")
    listed.add_argument("--json", action="store_true")
    removing = commands.add_parser("remove", help="delete a suite's root")
    removing.add_argument("what", nargs="+", metavar="SUITE")
    resolving = commands.add_parser("which", help="what an --interpreters list resolves to "
                                    "(names: host, all, %s, or a path)"
                                    % ", ".join(catalogue.BY_NAME))
    resolving.add_argument("list", metavar="LIST")
    resolving.add_argument("--json", action="store_true")
    return top


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        if args.command == "add":
            add(args.what)
        elif args.command == "list":
            show(listing(), args.json)
        elif args.command == "which":
            which(args.list, args.json)
        else:
            remove(args.what)
    except (ProvisionError, names.InterpreterError, probe.NotPython, OSError) as error:
        sys.exit("ev.pythons: error: %s" % error)
    except KeyboardInterrupt:
        sys.exit("ev.pythons: interrupted; `add` again resumes from the unfinished step")
    return 0


if __name__ == "__main__":
    sys.exit(main())
