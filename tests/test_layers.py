"""The domain and its tests stand without NoneBot: importing every domain module and every domain
test module in a fresh interpreter loads no `nonebot`, `bot` or `plugins` module."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import importlib, pathlib, sys
root = pathlib.Path.cwd()
names = [".".join(p.relative_to(root).with_suffix("").parts) for folder in ("domain", "tests/domain")
         for p in sorted((root / folder).rglob("*.py"))]
for name in names:
    importlib.import_module(name.removesuffix(".__init__"))
leaked = sorted(m for m in sys.modules if m.split(".")[0] in ("nonebot", "nonebug", "bot", "plugins"))
print(len(names), leaked)
"""


def test_domain_and_its_tests_import_without_nonebot():
    """A fresh interpreter imports all of domain/ and tests/domain/ and finds no NoneBot loaded."""
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=True)
    count, leaked = done.stdout.split(" ", 1)
    assert int(count) > 50
    assert leaked.strip() == "[]"
