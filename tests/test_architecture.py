"""The one-way data flow of docs/architecture.md, checked on the source: no module of a lower app imports an app
the data flow puts to its right (function-level imports and import_module strings included)."""

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "gongjian"

# Each app's layer; an app may import apps of its own layer or lower, never higher (docs/architecture.md).
LAYERS = {
    "audit": 0, "org": 0, "workdays": 0, "messaging": 0, "sso": 0,
    "campaigns": 1,
    "dispatch": 2,
    "supervision": 3,
    "projects": 4, "frontline": 4, "inspections": 4, "documents": 4, "matters": 4,
    "assessment": 5,
    "bulletins": 6, "cockpit": 6,
    "demo": 7, "bench": 7, "ops": 7, "setup": 7,
}
CHECKED = ("audit", "org", "workdays", "messaging", "sso", "campaigns", "dispatch", "supervision")
# Leaf helpers outside the apps that import no app themselves (checked below), usable everywhere.
HELPERS = {"api", "bulk", "clock", "env", "errors", "forms_util", "listing", "types", "validate", "xlsx", "ops.cli"}


def _imported(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
        elif (isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "import_module"
              and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            found.append((node.lineno, node.args[0].value))
    return [(line, name) for line, name in found if name.startswith("gongjian.")]


def _target(name: str) -> str | None:
    """The app (or helper) an imported name belongs to."""
    parts = name.split(".")[1:]
    if ".".join(parts[:2]) in HELPERS:
        return ".".join(parts[:2])
    return parts[0] if parts else None


def backward_imports(app: str) -> list[str]:
    problems = []
    for path in sorted((PACKAGE / app).rglob("*.py")):
        for line, name in _imported(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            target = _target(name)
            if target in HELPERS or target == app:
                continue
            if target not in LAYERS or LAYERS[target] > LAYERS[app]:
                problems.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {name}")
    return problems


@pytest.mark.parametrize("app", CHECKED)
def test_lower_apps_import_nothing_to_their_right(app):
    assert backward_imports(app) == []


def test_the_helpers_import_no_app():
    for helper in HELPERS:
        path = PACKAGE / (helper.replace(".", "/") + ".py")
        apps = [name for _, name in _imported(ast.parse(path.read_text(encoding="utf-8")))
                if _target(name) not in HELPERS]
        assert apps == [], helper


def test_every_app_has_a_layer():
    apps = {p.parent.name for p in PACKAGE.glob("*/apps.py")}
    assert apps <= set(LAYERS), apps - set(LAYERS)


def test_the_walk_catches_a_backward_import(tmp_path, monkeypatch):
    # The check itself must be able to fail: a supervision module importing projects inside a function.
    fake = tmp_path / "gongjian"
    (fake / "supervision").mkdir(parents=True)
    (fake / "supervision" / "late.py").write_text("def f():\n    from gongjian.projects.rules import register\n")
    monkeypatch.setitem(globals(), "PACKAGE", fake)
    assert backward_imports("supervision") == ["gongjian/supervision/late.py:2 imports gongjian.projects.rules.register"]


def _documents() -> list[Path]:
    root = PACKAGE.parent
    return [root / "README.md", *sorted((root / "docs").glob("*.md"))]


def test_readme_and_docs_point_only_inside_the_repository():
    root = PACKAGE.parent
    for doc in _documents():
        text = doc.read_text(encoding="utf-8")
        assert "../" not in text and "/work/" not in text and "/home/" not in text, doc.name
        for target in re.findall(r"\]\(([^)#]+)\)", text):
            if "://" in target:
                continue
            assert (doc.parent / target).resolve().is_relative_to(root), (doc.name, target)
            assert (doc.parent / target).exists(), (doc.name, target)


def test_code_cites_only_documents_inside_the_repository():
    root = PACKAGE.parent
    cited = set()
    for path in [*PACKAGE.rglob("*.py"), *(root / "tests").rglob("*.py")]:
        if path == Path(__file__).resolve():
            continue
        text = path.read_text(encoding="utf-8")
        assert "../shared" not in text and "RULES.md" not in text and "DESIGN.md" not in text, path
        cited.update(re.findall(r"docs/[a-z_]+\.md", text))
    assert cited and all((root / name).exists() for name in cited), cited


def test_no_product_app_imports_the_demo_or_the_bench():
    # Generated ticket texts and other demo data live in demo/ (or bench/), never in a product app.
    product = [app for app in LAYERS if app not in {"demo", "bench"} and (PACKAGE / app).is_dir()]
    found = [problem for app in product for problem in backward_imports(app)
             if " imports gongjian.demo" in problem or " imports gongjian.bench" in problem]
    assert found == []
