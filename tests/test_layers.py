"""The package's layers, enforced: arrows point one way (core ← export ← ui ← cli), no import
cycles anywhere, and neither the core nor the exporters import Qt."""
import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "landscape_app"
QT = {"PySide6", "PyQt5", "PyQt6", "pyqtgraph", "shiboken6", "OpenGL"}
# A module may import its own layer and the layers listed before it; the top level (cli, bench,
# __init__, __main__) may import anything.
LAYERS = ("core", "export", "ui")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imports(name: str, path: Path):
    """Every import of a module, at any depth (lazy imports inside functions count too)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            yield base
            for a in node.names:  # `from . import engine` imports the module engine
                if f"{base}.{a.name}" in MODULES:
                    yield f"{base}.{a.name}"


def graph() -> dict[str, set[str]]:
    return {name: {m for m in imports(name, path) if m in MODULES and m != name} for name, path in MODULES.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, found, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in edges:
        if v not in index:
            visit(v)
    return found


def layer(name: str) -> int | None:
    parts = name.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else None


def test_the_checker_sees_a_cycle_and_the_package_has_none():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles(graph()) == []


def test_the_checker_reads_relative_imports():
    edges = graph()
    assert "landscape_app.core.engine" in edges["landscape_app.core.analysis"]
    assert "landscape_app.core.resolver" in edges["landscape_app.core.engine"]
    assert "landscape_app.core.optimizers" in edges["landscape_app.ui.panels.hyper_form"]


def test_imports_point_down_the_layers_only():
    bad = []
    for name, targets in graph().items():
        mine = layer(name)
        if mine is None:
            continue
        for t in targets:
            theirs = layer(t)
            if theirs is None or theirs > mine:
                bad.append(f"{name} imports {t}")
    assert bad == []


def test_core_and_export_never_import_qt():
    bad = [f"{name} imports {m}" for name, path in MODULES.items() if layer(name) in (0, 1)
           for m in imports(name, path) if m.split(".")[0] in QT]
    assert bad == []


def test_core_and_export_run_without_loading_qt():
    code = ("import sys, landscape_app, landscape_app.core.analysis, landscape_app.core.scenario,"
            " landscape_app.export.animation, landscape_app.export.data;"
            "import landscape_app.core.engine as e; e.simulate('quadratic','adam',(1,1),5);"
            "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6','pyqtgraph','shiboken6')];"
            "print(bad); sys.exit(bool(bad))")
    done = subprocess.run([sys.executable, "-c", code], timeout=300, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
