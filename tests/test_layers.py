"""The house in layers: each package of ev imports only the packages below it (no upward import,
no cycle), ev never imports ``specialized`` by name (it is a plugin, found through its entry
point) except in the studies, which measure it (the sweep times its generated code shape by
shape).  A module's size is a question for review, not a cap that splits an idea in two."""
import ast
import os

from conftest import ROOT

# Bottom to top.  A package may import itself and any package listed before it.
# traces is at the bottom: it imports nothing of ev (tests/test_traces_standalone.py), and ev
# shares its atomic writes.
LAYERS = ["traces", "ev.common", "ev.pythons", "ev.model", "ev.backends", "ev.evolution",
          "ev.store", "ev.runner", "ev.reporting", "ev.cli", "ev.studies"]
# Packages beside the layers: what each may import.
OUTSIDE = {"specialized": {"ev.common", "ev.model", "ev.backends", "specialized"}}
# Above every layer: the studies may import all of ev, and the plugin they measure.
TOP = {"ev.studies": set(LAYERS) | {"specialized"}}


def python_files(folder):
    for directory, _, names in os.walk(os.path.join(ROOT, folder)):
        for name in names:
            if name.endswith(".py"):
                yield os.path.join(directory, name)


def module_name(path):
    relative = os.path.relpath(path, ROOT)[:-3].replace(os.sep, ".")
    return relative[:-len(".__init__")] if relative.endswith(".__init__") else relative


def imported_modules(path):
    """Every module an ``import`` or ``from ... import`` names, at any depth of the file
    (lazy imports inside functions count too)."""
    with open(path) as source:
        tree = ast.parse(source.read(), path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            for alias in node.names:
                yield node.module + "." + alias.name


def package_of(module):
    """The layer (or outside package) a module belongs to, or None for ev's own top files
    and third-party modules."""
    for package in LAYERS + list(OUTSIDE):
        if module == package or module.startswith(package + "."):
            return package
    return None


def allowed(package):
    if package in OUTSIDE:
        return OUTSIDE[package]
    if package in TOP:
        return TOP[package]
    return set(LAYERS[:LAYERS.index(package) + 1])


def violations():
    found = []
    for folder in ("ev", "traces", "specialized"):
        for path in python_files(folder):
            importer = package_of(module_name(path))
            if importer is None:
                continue
            for module in imported_modules(path):
                target = package_of(module)
                if target is not None and target not in allowed(importer):
                    found.append("%s imports %s" % (module_name(path), module))
    return sorted(set(found))


def test_no_package_imports_a_layer_above_it():
    assert violations() == []


def test_the_layer_check_sees_an_upward_import(tmp_path, monkeypatch):
    """The check itself: a lazy upward import inside a function is caught."""
    path = tmp_path / "probe.py"
    path.write_text("def f():\n    from ev.cli.evolve import main\n")
    modules = set(imported_modules(str(path)))
    assert "ev.cli.evolve" in modules
    assert package_of("ev.cli.evolve") not in allowed("ev.model")
    assert package_of("ev.studies.limits") not in allowed("ev.cli")
    assert "specialized" not in allowed("ev.cli") and "specialized" in allowed("ev.studies")


def test_every_module_of_ev_sits_in_a_layer():
    """Only the package marker, ``python -m ev``'s entry and the ev.main shim live in ev/ itself."""
    top = sorted(name for name in os.listdir(os.path.join(ROOT, "ev")) if name.endswith(".py"))
    assert top == ["__init__.py", "__main__.py", "main.py"]
