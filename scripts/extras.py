"""python -I scripts/extras.py SETUP_CFG EXTRA ...: the packages of setup.cfg's extras that
apply to this interpreter, one requirement a line, markers evaluated (``py-spy``,
``austin-dist==3.7.0``).

Run by scripts/setup_envs.sh with each venv's python, because an extra's requirement may carry
an environment marker (``py-spy; platform_python_implementation == "CPython"``: py-spy samples
CPython only) that only the interpreter it is for can evaluate.  pip's own copy of `packaging`
evaluates it, as pip would.
"""
import configparser
import sys

from pip._vendor.packaging.requirements import Requirement


def requirements(setup_cfg, extras):
    parser = configparser.ConfigParser()
    parser.read(setup_cfg)
    section = parser["options.extras_require"] if parser.has_section(
        "options.extras_require") else {}
    seen = []
    for extra in extras:
        for line in section.get(extra, "").splitlines():
            line = line.split("#")[0].strip()
            if not line:
                continue
            requirement = Requirement(line)
            if requirement.marker is not None and not requirement.marker.evaluate():
                continue
            entry = "%s%s" % (requirement.name, requirement.specifier)
            if entry not in seen:
                seen.append(entry)
    return seen


def main(argv):
    if not argv:
        print("usage: python -I scripts/extras.py SETUP_CFG EXTRA ...", file=sys.stderr)
        return 2
    for entry in requirements(argv[0], argv[1:]):
        print(entry)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
