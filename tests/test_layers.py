"""Import rules between the layers, checked on the source with ``ast`` (nothing is imported).

1. The product (``bot/``, ``actions/``, ``scripts/``) never imports from ``tests/``.
2. Each capability module of ``actions/`` stands alone: it may import the shared
   modules named in ``SHARED`` (``actions.common`` ...) but no other capability.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Iterator, List, Tuple

import pytest

# Modules of actions/ that any module of actions/ may import; every other module is a capability.
SHARED = {"common", "consent", "forms"}

ROOT = Path(__file__).resolve().parent.parent
PRODUCT_DIRS = ("bot", "actions", "scripts")
IMPORTERS = {"import_module", "__import__"}  # importlib.import_module("x"), __import__("x")


def _python_files(*dirs: str) -> List[Path]:
    return sorted(p for d in dirs for p in (ROOT / d).rglob("*.py") if "__pycache__" not in p.parts)


def _package(path: Path) -> List[str]:
    """The dotted package a file lives in, as parts (``bot/rasa_ext/x.py`` -> ``["bot", "rasa_ext"]``)."""
    return list(path.relative_to(ROOT).parent.parts)


def _imports(path: Path) -> Iterator[Tuple[int, str]]:
    """(line, absolute module name) for every import in the file, nested ones included.

    ``from a import b`` yields both ``a`` and ``a.b`` (``b`` may be a module); relative
    imports are resolved against the file's package; string literals passed to
    ``importlib.import_module`` or ``__import__`` count as imports too.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = _package(path)
                base = package[: len(package) - (node.level - 1)] if node.level - 1 <= len(package) else []
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module:
                yield node.lineno, module
            for alias in node.names:
                if alias.name != "*":
                    yield node.lineno, f"{module}.{alias.name}" if module else alias.name
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name in IMPORTERS:
                yield node.lineno, node.args[0].value


def _is_under(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _where(path: Path, line: int) -> str:
    return f"{path.relative_to(ROOT)}:{line}"


def test_product_does_not_import_tests():
    files = _python_files(*PRODUCT_DIRS)
    assert files, "no product files found"
    found = {}  # one entry per import statement: its shortest module name under tests
    for p in files:
        for line, module in _imports(p):
            if _is_under(module, "tests"):
                where = _where(p, line)
                found[where] = min(found.get(where, module), module, key=len)
    bad = [f"{where} imports {module}" for where, module in sorted(found.items())]
    assert not bad, "the product must not depend on its tests:\n" + "\n".join(bad)


def test_action_capabilities_import_only_shared_modules():
    actions = ROOT / "actions"
    files = _python_files("actions")
    # Capabilities and shared modules are the top-level modules or subpackages of actions/.
    modules = {p.relative_to(actions).parts[0].removesuffix(".py") for p in files} - {"__init__"}
    bad = set()
    for p in files:
        if p == actions / "__init__.py":
            continue
        own = p.relative_to(actions).parts[0].removesuffix(".py")
        for line, module in _imports(p):
            if not _is_under(module, "actions"):
                continue
            parts = module.split(".")
            if len(parts) < 2 or parts[1] not in modules:
                continue  # "actions" itself, or a name imported from the package
            target = parts[1]
            if target != own and target not in SHARED:
                bad.add(f"{_where(p, line)} imports actions.{target}")
    assert not bad, (f"modules of actions/ may import only actions.{{{', '.join(sorted(SHARED))}}}:\n"
                     + "\n".join(sorted(bad)))
