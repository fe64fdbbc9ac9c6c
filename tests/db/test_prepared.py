"""db.prepared's objects as the ORM loads them, also as the very first ORM use of a process."""

import subprocess
import sys

from tests.e2e.conftest import ROOT


def test_loaded_works_as_the_first_orm_use_of_a_process() -> None:
    """A bot started in the middle of a meeting hears 签到 first: the caller's branch and member are
    made by `loaded` before anything else has configured the mappers."""
    script = ("from db.models import Branch\n"
              "from db.prepared import loaded\n"
              "branch = loaded(Branch, {'id': 7, 'name': '第一支部'})\n"
              "print(branch.id, branch.name)\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, check=False)
    assert (done.returncode, done.stdout.strip()) == (0, "7 第一支部"), done.stderr
