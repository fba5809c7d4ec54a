"""pyproject.toml declares every package the code imports (a package that happens to be installed
on one machine must not be what makes the tests pass there)."""
import ast
import re
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OWN = {"landscape_app", "naive", "conftest"}  # the package itself and the tests' helpers


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _optional(tree: ast.AST) -> set[int]:
    """Ids of imports inside ``try: … except ImportError``: optional by design (e.g. torch in bench)."""
    guarded = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(
                isinstance(h.type, ast.Name) and h.type.id in ("ImportError", "ModuleNotFoundError")
                for h in node.handlers):
            guarded |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    return guarded


def third_party_imports() -> dict[str, str]:
    """Top-level module → first file importing it, over the package and the tests."""
    found = {}
    for path in sorted([*ROOT.glob("landscape_app/**/*.py"), *ROOT.glob("tests/**/*.py")]):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        optional = _optional(tree)
        for node in ast.walk(tree):
            if id(node) in optional:
                continue
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in OWN:
                    found.setdefault(top, str(path.relative_to(ROOT)))
    return found


def declared() -> set[str]:
    """Distributions the installed project requires, the test extra included."""
    return {_normal(re.match(r"[A-Za-z0-9_.-]+", r).group()) for r in metadata.requires("landscape-app") or []}


def test_every_imported_package_is_declared_in_pyproject():
    providers = metadata.packages_distributions()
    wanted = declared()
    problems = []
    for module, where in third_party_imports().items():
        dists = {_normal(d) for d in providers.get(module, [])}
        if not dists:
            problems.append(f"{module} (imported by {where}) is not installed: is it declared?")
        elif not dists & wanted:
            problems.append(f"{module} (imported by {where}) comes from {', '.join(sorted(dists))}, "
                            "which pyproject.toml does not declare")
    assert not problems, "\n".join(problems)


def test_sympy_is_declared():  # the fresh-install failure: 35 tests needed an undeclared SymPy
    assert "sympy" in declared()
