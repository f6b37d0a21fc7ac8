"""The apps depend on each other one way, in layers, with no circle: counting imports (lazy ones
inside functions too), model references in strings ("app.Model", `apps.get_model("app", ...)`)
and migration dependencies alike.

From the bottom: `core` (shared infrastructure) and `outbound` (texts, webhooks, the outbox) use no
domain app; `knowledge` uses only those; `helprequests` may use `knowledge`; `calls` may use both;
the voice worker is a client of the API; `salon_project` (the configuration) mounts them all and
is imported by none. A lower app tells a higher one something by a signal or a registered hook.

Tests and settings modules are left out: a test may drive any app, and a settings module is
configuration wherever it lives (the demo's settings import the project's).
"""

import ast
import re
from collections import defaultdict
from pathlib import Path

from django.conf import settings

LAYERS = ["core", "outbound", "knowledge", "helprequests", "calls", "voice_worker", "salon_project"]
ROOT = Path(settings.BASE_DIR)

MODEL_REFERENCE = re.compile(r"([a-z_]+)\.[A-Z][A-Za-z]*")
MIGRATION_NAME = re.compile(r"\d{4}_\w+")


def _modules(package: str):
    for path in sorted((ROOT / package).rglob("*.py")):
        relative = path.relative_to(ROOT)
        if "tests" in relative.parts or path.stem.endswith("settings"):
            continue
        yield relative, ast.parse(path.read_text())


def _references(tree: ast.AST):
    """(package, how) for every reference this module makes to a top-level package."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((alias.name.split(".")[0], f"import {alias.name}") for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module.split(".")[0], f"from {node.module} import"
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if match := MODEL_REFERENCE.fullmatch(node.value):
                yield match.group(1), f'"{node.value}"'
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "get_model" and node.args:
            if isinstance(node.args[0], ast.Constant):
                yield node.args[0].value, f'get_model("{node.args[0].value}", ...)'
        elif isinstance(node, ast.ClassDef) and node.name == "Migration":
            for statement in node.body:
                targets = [getattr(t, "id", "") for t in getattr(statement, "targets", [])]
                if "dependencies" in targets and isinstance(statement.value, ast.List):
                    for dependency in statement.value.elts:
                        if not isinstance(dependency, ast.Tuple):  # swappable_dependency(AUTH_USER_MODEL)
                            continue
                        app, name = (getattr(element, "value", "") for element in dependency.elts)
                        if MIGRATION_NAME.fullmatch(str(name)) or name == "__first__":
                            yield app, f"migration dependency {app}.{name}"


def dependencies() -> dict[tuple[str, str], list[str]]:
    """(from, to) → where, for every reference between two of the project's packages."""
    found = defaultdict(list)
    for package in LAYERS:
        for module, tree in _modules(package):
            for target, how in _references(tree):
                if target in LAYERS and target != package:
                    found[(package, target)].append(f"{module}: {how}")
    return found


def test_every_app_uses_only_the_layers_below_it():
    upward = {
        f"{source} → {target}": where
        for (source, target), where in dependencies().items()
        if LAYERS.index(target) > LAYERS.index(source)
    }
    assert upward == {}


def test_the_bottom_apps_use_no_domain_app():
    for bottom in ("core", "outbound"):
        used = {target for (source, target) in dependencies() if source == bottom}
        assert used <= {"core"}, f"{bottom} uses {sorted(used)}"


def test_no_app_imports_the_voice_worker_or_the_configuration_but_the_configuration():
    users = {source for (source, target) in dependencies() if target in ("voice_worker", "salon_project")}
    assert users <= {"salon_project"}


def test_the_check_sees_each_kind_of_reference():
    """The finder itself: an import inside a function, a lazy model reference, a model looked up by
    name and a migration dependency are each a dependency (else the tests above could not fail)."""
    tree = ast.parse(
        "def f():\n    from calls.models import Call\n"
        "x = models.ForeignKey('helprequests.HelpRequest', on_delete=None)\n"
        "y = apps.get_model('knowledge', 'KnowledgeEntry')\n"
        "class Migration:\n    dependencies = [('outbound', '0001_initial')]\n"
    )
    assert {target for target, _ in _references(tree)} == {"calls", "helprequests", "knowledge", "outbound"}
