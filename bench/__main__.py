"""Run every benchmark module, or the ones named: `python -m bench points signin`.

Each benchmark measures its own baseline in the same run and prints ratios against it,
so figures stay comparable across machines.
"""

import asyncio
import importlib
import pkgutil
import sys
import time

import bench


def _modules(selected: list[str]) -> list[str]:
    names = sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_"))
    if selected:
        names = [n for n in names if n.removeprefix("bench_") in selected or n in selected]
    return names


def main() -> None:
    """Import and run each benchmark in turn."""
    for name in _modules(sys.argv[1:]):
        module = importlib.import_module(f"bench.{name}")
        print(f"\n=== {name}: {(module.__doc__ or '').strip().splitlines()[0]}", flush=True)
        started = time.perf_counter()
        asyncio.run(module.main())
        print(f"--- {name} took {time.perf_counter() - started:.1f} s", flush=True)


if __name__ == "__main__":
    main()
