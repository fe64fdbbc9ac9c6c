"""README.md stays true: every chat command the plugins publish is in its command reference, with
who may use it as the permission table says."""

import re
from pathlib import Path

from domain.permissions import COMMANDS
from plugins.help import sections
from plugins.help.catalog import readme_who

README = Path(__file__).resolve().parents[3] / "README.md"


def test_every_command_and_its_example_is_documented():
    """Each CommandDoc's name appears in README.md's chat-command section, and so does its example."""
    text = README.read_text(encoding="utf-8")
    reference = text.split("## Chat commands", 1)[1].split("\n## Development", 1)[0]
    missing = [f"{doc.name}（例：{doc.example}）" for section in sections() for doc in section.commands
               if doc.name not in reference]
    assert missing == []


def test_every_command_has_an_example_that_starts_with_its_word():
    """The help shows one example per command; it must be something a member can type as is."""
    docs = [doc for section in sections() for doc in section.commands]
    assert len(docs) > 40
    wrong = [doc.name for doc in docs
             if not any(doc.example.lstrip("/").startswith(w) for w in (doc.name, *doc.aliases))]
    assert wrong == []


def test_every_configuration_key_is_documented():
    """Each key .env.example lists (set or commented out) is explained in README.md too."""
    env = (README.parent / ".env.example").read_text(encoding="utf-8")
    keys = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", env, re.MULTILINE))
    assert len(keys) > 30
    assert sorted(k for k in keys if k not in README.read_text(encoding="utf-8")) == []


def _command_rows() -> list[tuple[list[str], str]]:
    """(command words, 谁) of every row of the README's chat-command tables."""
    text = README.read_text(encoding="utf-8")
    reference = text.split("## Chat commands", 1)[1].split("\n## Development", 1)[0]
    rows = []
    for table in re.findall(r"^\| 命令 \| 谁 \|.*\n\|[-|]+\|\n((?:\|.*\n)+)", reference, re.MULTILINE):
        for line in table.splitlines():
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
            words = [part.split(" ")[0] for part in cells[0].split(" / ")]
            rows.append((words, cells[1]))
    return rows


def test_readme_says_who_may_use_each_command_as_the_permission_table_does():
    """Each command row's 谁 is the permission table's row in words; every command has a row."""
    docs = {alias: doc for section in sections() for doc in section.commands
            for alias in (doc.name, *doc.aliases)}
    rows = _command_rows()
    wrong = [(words, who, readme_who(docs[words[0]].permission)) for words, who in rows
             if who != readme_who(docs[words[0]].permission)]
    assert wrong == []
    named = {docs[word].name for words, _ in rows for word in words}
    assert sorted(set(COMMANDS) - named) == []
