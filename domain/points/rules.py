"""A branch's points rules (积分规则): how much 签到, 志愿 and an adopted 建议 earn.

The lookup — the branch's override, else the default — is defined here once; sign-in's hot path
reads the same override inside its own statement through `rule_value` and `rule_or_default`.
"""

from decimal import Decimal
from typing import Any

from sqlalchemy.sql.selectable import ScalarSelect
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core import timeutil
from db.models import PointsRule
from db.sql import upsert_insert

DEFAULT_RULES: dict[str, Decimal] = {
    "signin_on_time": Decimal("2"),
    "signin_late": Decimal("1"),
    "volunteer_per_need": Decimal("2"),
    "volunteer_per_hour": Decimal("1"),
    "suggestion_adopted": Decimal("3"),
}
"""Defaults for the per-branch rules; a branch may override each key."""
RULE_LABELS = {
    "signin_on_time": "学习按时签到",
    "signin_late": "学习迟到签到",
    "volunteer_per_need": "志愿服务每项",
    "volunteer_per_hour": "志愿服务每小时",
    "suggestion_adopted": "建议被采纳",
}
RULE_MAX = Decimal(50)

MEETING_KINDS = {"general": "党员大会", "committee": "支委会", "group": "党小组会", "lecture": "党课",
                 "partyday": "主题党日", "life": "组织生活会"}
"""Meeting kinds (db.models.MeetingKind values) whose sign-in points a branch may set apart from
学习's; until it does, a kind earns what 学习 earns (`signin_on_time` / `signin_late`)."""
KIND_RULE_LABELS = {f"{base}.{kind}": f"{word}{'按时签到' if base == 'signin_on_time' else '迟到签到'}"
                    for kind, word in MEETING_KINDS.items() for base in ("signin_on_time", "signin_late")}
"""'signin_on_time.committee' → '支委会按时签到': per-kind overrides, absent from DEFAULT_RULES."""


def rule_value(branch_id: Any, key: Any) -> ScalarSelect[Any]:
    """The branch's stored value for a rule as a scalar subquery (NULL: not overridden).

    Both may be SQL expressions: the sign-in hot path passes bound parameters and, for a meeting
    kind's own rule, `'signin_on_time.' || kind` of the meeting it reads (see `kind_rule`)."""
    return (select(col(PointsRule.value))
            .where(PointsRule.branch_id == branch_id, PointsRule.key == key).scalar_subquery())


def rule_or_default(key: str, stored: object) -> Decimal:
    """A rule's value from what `rule_value` read: the override, else the default."""
    return DEFAULT_RULES[key] if stored is None else Decimal(str(stored))


async def rule(db: AsyncSession, branch_id: int, key: str) -> Decimal:
    """The branch's value for a points rule (the default until the branch changes it)."""
    return rule_or_default(key, (await db.exec(select(rule_value(branch_id, key)))).first())


async def kind_rule(db: AsyncSession, branch_id: int, key: str, kind: str,
                    base: Decimal | None = None) -> Decimal:
    """A sign-in rule for a meeting kind: the branch's per-kind override, else the 学习 rule
    (`base` when the caller already read it)."""
    if f"{key}.{kind}" in KIND_RULE_LABELS:
        stored = (await db.exec(select(rule_value(branch_id, f"{key}.{kind}")))).first()
        if stored is not None:
            return Decimal(str(stored))
    return base if base is not None else await rule(db, branch_id, key)


def rule_label(key: str) -> str:
    """'学习按时签到', '支委会按时签到', …."""
    return RULE_LABELS.get(key) or KIND_RULE_LABELS[key]


async def rules(db: AsyncSession, branch_id: int) -> dict[str, tuple[Decimal, bool]]:
    """Every rule: key → (value, changed from the default); per-kind sign-in rules only when set."""
    stmt = select(col(PointsRule.key), col(PointsRule.value)).where(PointsRule.branch_id == branch_id)
    own = {k: Decimal(str(v)) for k, v in (await db.exec(stmt)).all()}
    listed = {k: (own.get(k, d), k in own and own[k] != d) for k, d in DEFAULT_RULES.items()}
    return listed | {k: (own[k], True) for k in KIND_RULE_LABELS if k in own}


async def set_rules(db: AsyncSession, branch_id: int, changes: dict[str, Decimal],
                    by: str) -> None:
    """Store a branch's overrides (0 turns a rule off); an upsert, so two at once cannot collide."""
    for key, value in changes.items():
        fields = {"value": value, "updated_by": by, "updated_at": timeutil.now()}
        stmt = upsert_insert(db, PointsRule).values(branch_id=branch_id, key=key, **fields)
        await db.exec(stmt.on_conflict_do_update(index_elements=["branch_id", "key"], set_=fields))
