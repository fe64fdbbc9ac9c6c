"""Roles, ordered: a higher role may do everything a lower one may."""

from enum import IntEnum

from core.errors import PermissionDenied


class Role(IntEnum):
    """Member roles; SUPERUSER comes from config, never from the database."""

    GUEST = 0
    MEMBER = 1
    COMMITTEE = 2
    SECRETARY = 3
    SUPERUSER = 4

    @property
    def label(self) -> str:
        """Chinese name used in replies."""
        return _LABELS[self]


_LABELS = {
    Role.GUEST: "未报到人员",
    Role.MEMBER: "党员",
    Role.COMMITTEE: "支委委员",
    Role.SECRETARY: "支部书记",
    Role.SUPERUSER: "管理员",
}


def require(actual: Role, needed: Role) -> None:
    """Raise PermissionDenied unless actual >= needed."""
    if actual < needed:
        raise PermissionDenied(f"这条命令需要{needed.label}或以上身份，您当前是{actual.label}。")
