"""The house rule "every Python file under partez/ stays below 900 lines", checked.

A file that grows past it mixes several concerns: split it into a package (as the camping planner
is) rather than raise the limit. Migrations are generated and exempt.
"""

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "partez"
MAX_LINES = 900


def _sources() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.relative_to(PACKAGE).parts)


def test_the_walk_finds_the_package():
    sources = _sources()
    assert PACKAGE / "camping" / "planner" / "__init__.py" in sources
    assert not any("migrations" in p.parts for p in sources)


def test_no_python_file_under_partez_exceeds_900_lines():
    too_long = {}
    for path in _sources():
        with path.open(encoding="utf-8") as source:
            lines = sum(1 for _ in source)
        if lines > MAX_LINES:
            too_long[str(path.relative_to(PACKAGE.parent))] = lines
    assert too_long == {}, f"files above {MAX_LINES} lines (split them): {too_long}"
