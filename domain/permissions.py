"""The one permission table: for every chat command, the least role, where it may be said, and
whose records it may touch.

The matcher dependency (bot/pipeline.py), 帮助, the README's command tables and the permission
test are all derived from `COMMANDS`; a role check written anywhere else is a bug.
"""

from dataclasses import dataclass
from enum import Enum

from core.errors import DomainError, NotRegistered, PermissionDenied
from core.roles import Role


class Chat(Enum):
    """Where a command may be said."""

    GROUP = "group"
    """Only in the branch's group (it posts to the group, or names a group)."""
    PRIVATE = "private"
    """Only in private chat with the bot (it hands over something personal, such as a login link)."""
    ANY = "any"
    """In the group or privately (acting on the sender's own branch)."""


@dataclass(frozen=True)
class Permission:
    """Who may use one command, and where."""

    role: Role
    """The least role; a higher role may do everything a lower one may."""
    chat: Chat = Chat.GROUP
    own: bool = False
    """Acts on the caller's own member record, so the caller must have 报到'd (superusers too)."""
    others: Role | None = None
    """Own-record rule: the least role to act on another member's record with this command."""
    branch: bool = True
    """Needs a branch: the group's binding, or in private chat the caller's own branch."""
    sealed: bool = False
    """The sender must stay hidden: in a group the message is withdrawn before anything else, and
    every answer, a refusal included, goes to the sender privately."""
    county: bool = False
    """County staff (县级管理员) may use it too, whatever their role in a branch. County staff are
    not on the branch ladder: they read every branch and never act inside one, so only rows that
    read across branches (or say something county-wide) carry this grant, and none needs a branch."""

    @property
    def private(self) -> bool:
        """Usable in private chat with the bot."""
        return self.chat is not Chat.GROUP

    @property
    def group(self) -> bool:
        """Usable in a group."""
        return self.chat is not Chat.PRIVATE

    def allows(self, role: Role, *, private: bool, registered: bool, county: bool = False) -> bool:
        """Whether a caller of this role, in this chat, with or without a member record (and county
        staff or not) may use it."""
        try:
            self.check("", role, private=private, registered=registered, county=county)
        except DomainError:
            return False
        return True

    def check(self, command: str, role: Role, *, private: bool, registered: bool,
              county: bool = False) -> None:
        """Raise the refusal a caller of `command` gets, or return when it is theirs to use."""
        if private and not self.private:
            raise PermissionDenied(f"“{command}”请在支部群里发送，让大家都能看到。")
        if not private and not self.group:
            raise PermissionDenied(f"为保护支部数据，“{command}”只在私聊中使用。请私聊我发送：{command}")
        if self.own and not registered:
            raise NotRegistered("您还没有报到。请先发送：报到 您的姓名", "报到 张三")
        if role < self.role and not (county and self.county):
            needed = f"{self.role.label}或{COUNTY_LABEL}" if self.county else f"{self.role.label}或以上"
            raise PermissionDenied(f"这条命令需要{needed}身份，您当前是{role.label}。")

    def check_others(self, role: Role) -> None:
        """Raise unless this role may act on another member's record with the command."""
        if self.others is None or role < self.others:
            needed = self.others or Role.SUPERUSER
            raise PermissionDenied(f"查看或处理别人的记录需要{needed.label}或以上身份。")


COUNTY_LABEL = "县级管理员"
"""County staff's name in replies; they are not a Role (not above or below a branch office)."""

M, C, S, G, SU = Role.MEMBER, Role.COMMITTEE, Role.SECRETARY, Role.GUEST, Role.SUPERUSER
ANY, PRIVATE = Chat.ANY, Chat.PRIVATE

COMMANDS: dict[str, Permission] = {
    # roster
    "报到": Permission(G),
    "确认报到": Permission(S, ANY),
    "报到码": Permission(S, PRIVATE),
    "支部信息": Permission(G, ANY),
    "成员列表": Permission(C, ANY),
    "添加成员": Permission(S, ANY),
    "设置类别": Permission(S, ANY, sealed=True),  # a health category: never in the group, nor the log
    "设置委员": Permission(S, ANY),
    "取消委员": Permission(S, ANY),
    "停用成员": Permission(S, ANY),
    "启用成员": Permission(S, ANY),
    "设置书记": Permission(SU),
    "绑定支部": Permission(SU, branch=False),
    # county: staff, grouping, figures (county staff read every branch; never 加分/代签/rosters)
    "设置县级": Permission(SU, ANY, branch=False),
    "取消县级": Permission(SU, ANY, branch=False),
    "县级名单": Permission(SU, ANY, branch=False),
    "设置片区": Permission(SU, ANY, branch=False),
    "设置行业": Permission(SU, ANY, branch=False),
    # branch assessment (银领先锋): a county-level ledger about branches, never inside one
    "支部评分": Permission(SU, PRIVATE, branch=False, county=True),
    "支部评分冲正": Permission(SU, PRIVATE, branch=False, county=True),
    "支部排名": Permission(SU, PRIVATE, branch=False, county=True),
    # meetings: sign-in
    "签到": Permission(M, ANY, own=True),
    "请假": Permission(M, ANY, own=True),
    "学习记录": Permission(M, ANY, own=True, others=C),
    "签到情况": Permission(G, ANY),
    "发布学习": Permission(C),
    "开始签到": Permission(C),
    "结束签到": Permission(C),
    "代签": Permission(C),
    "补签": Permission(S),
    # meetings: 三会一课 and 组织生活
    "发布会议": Permission(C),
    "代请假": Permission(C, ANY),
    "会议记录": Permission(C, ANY),
    "三会一课情况": Permission(C, ANY),
    "设置党小组": Permission(S, ANY),
    "党小组组长": Permission(S, ANY),
    "党小组列表": Permission(C, ANY),
    "设置会议频次": Permission(S, ANY),
    # 民主评议党员: grades are private (评议 said in a group is withdrawn, answered privately)
    "民主评议": Permission(S, ANY),
    "评议": Permission(S, PRIVATE, sealed=True),
    "评议结果": Permission(S, PRIVATE),
    # volunteer
    "需求列表": Permission(G, ANY),
    "认领": Permission(M, ANY, own=True),
    "取消认领": Permission(M, ANY, own=True),
    "我的认领": Permission(M, ANY, own=True),
    "发布需求": Permission(C, ANY),
    "代认领": Permission(C),
    "修改名额": Permission(S),
    "取消需求": Permission(S),
    "完成需求": Permission(S),
    "缺勤": Permission(S),
    # suggestion
    "建议": Permission(M, ANY, own=True),
    "匿名建议": Permission(M, ANY, own=True, sealed=True),
    "我的建议": Permission(M, ANY, own=True),
    "实名": Permission(M, ANY, own=True, sealed=True),
    "查看建议": Permission(M, ANY, own=True, others=C),
    "建议列表": Permission(C, ANY),
    "回复建议": Permission(S, ANY),
    "采纳建议": Permission(S, ANY),
    "转交建议": Permission(S, ANY),
    # points
    "积分": Permission(M, ANY, own=True, others=C),
    "积分明细": Permission(M, ANY, own=True),
    "积分排行": Permission(G, ANY),
    "积分规则": Permission(G, ANY),
    "兑换列表": Permission(G, ANY),
    "兑换": Permission(M, ANY, own=True),
    "我的兑换": Permission(M, ANY, own=True),
    # Who may 加分/扣分: 加分's role may ask; 批准's role adds directly (domain.points.adds_directly)
    "加分": Permission(C, ANY),
    "扣分": Permission(C, ANY),
    "批准": Permission(S, ANY),
    "驳回": Permission(S, ANY),
    "冲正": Permission(S, ANY),
    "设置积分规则": Permission(S, ANY),
    "积分公示": Permission(S),
    "上架": Permission(S, ANY),
    "下架": Permission(S, ANY),
    "兑换记录": Permission(S, ANY),
    "发放": Permission(S, ANY),
    # party days
    "主题党日": Permission(G, ANY),
    "设置主题党日": Permission(S, ANY),
    "党日提醒": Permission(S, ANY),
    "本月主题": Permission(S, ANY),
    "党日节假日": Permission(S, ANY),
    "取消本次党日": Permission(S, ANY),
    "节假日": Permission(SU, ANY, branch=False),
    # reminders
    "提醒": Permission(S, ANY),
    "提醒列表": Permission(C, ANY),
    "取消提醒": Permission(S, ANY),
    "缺勤提醒": Permission(S, ANY),
    "志愿提醒": Permission(S, ANY),
    # notices: 收到 is every member's own receipt; 县通知 says something county-wide (county staff)
    "通知": Permission(C, ANY),
    "收到": Permission(M, ANY, own=True),
    "已传达": Permission(C, ANY),
    "通知情况": Permission(C, ANY),
    "通知列表": Permission(G, ANY),
    "通知提醒": Permission(S, ANY),
    "县通知": Permission(SU, ANY, branch=False, county=True),
    "县通知情况": Permission(SU, ANY, branch=False, county=True),
    # care: 政治生日, birthdays; care tags and visits are health data, so their commands are sealed
    # (a group message is withdrawn, every answer goes privately)
    "政治生日": Permission(G, ANY),
    "设置入党日期": Permission(S, ANY),
    "设置生日": Permission(S, ANY),
    "生日祝福": Permission(S, ANY),
    "不要生日祝福": Permission(M, ANY, own=True),
    "恢复生日祝福": Permission(M, ANY, own=True),
    "设置关爱": Permission(S, ANY, sealed=True),
    "走访": Permission(C, ANY, sealed=True),
    "走访记录": Permission(C, ANY, sealed=True),
    "关爱名单": Permission(C, ANY, sealed=True),
    # exports and the dashboard
    "导出": Permission(S, ANY),
    "后台": Permission(S, PRIVATE, branch=False, county=True),
    "全县情况": Permission(SU, PRIVATE, branch=False, county=True),
    "导出全县": Permission(SU, PRIVATE, branch=False, county=True),
    # help
    "帮助": Permission(G, ANY, branch=False),
}


PAGES: dict[str, Permission] = {
    # the dashboard (后台), opened from a private link: which pages a login may see or use
    "全县概况": Permission(SU, PRIVATE, branch=False, county=True),
    # a branch's 概况, 学习签到, 志愿服务, 建言献策, 积分台账 and 导出 (figures, no health details)
    "支部页面": Permission(S, PRIVATE, county=True),
    # each member's health category is on it: never county staff (they see counts only)
    "成员名册": Permission(S, PRIVATE),
    "导入成员": Permission(S, PRIVATE),
    # care tags and visit notes (health data): the branch's own secretary only, never county staff
    "关爱慰问": Permission(S, PRIVATE),
    # a branch's 片区 and 行业 on the county page (as 设置片区 / 设置行业 in chat)
    "设置分组": Permission(SU, PRIVATE, branch=False),
}
"""The dashboard's own rows, checked with the same Permission.allows as chat commands."""


def page_allowed(page: str, role: Role, *, county: bool) -> bool:
    """Whether a dashboard viewer of this role (county staff or not) may open or use a page."""
    return PAGES[page].allows(role, private=True, registered=True, county=county)


def permission(command: str) -> Permission:
    """The table's row for a command (KeyError for a command the table does not know)."""
    return COMMANDS[command]


ALIASES: dict[str, tuple[str, ...]] = {
    # The other words members use for a command, as they write in WeChat/QQ groups: an alias is
    # the command (same matcher, same permission row, same rules against sentences). Nothing
    # that could be a sentence's start of something else: 报到 is registration, never 签到;
    # 参加 (a meeting or a need?) and 报个到 are not taken.
    # roster
    "报到": ("注册", "登记"),
    "添加成员": ("新增成员",),
    "成员列表": ("名册",),
    # meetings
    "签到": ("打卡", "打个卡", "已打卡", "打卡签到", "签个到", "签到了", "已签到", "我签到", "到", "已到"),
    "请假": ("请个假", "我请个假", "我请假", "我要请假", "我想请假"),
    "学习记录": ("我的学习",),
    "签到情况": ("出勤情况",),
    "发布学习": ("安排学习",),
    # volunteer
    "需求列表": ("志愿需求", "服务清单", "需求", "需求清单", "查看需求", "查需求", "志愿服务",
                 "志愿活动", "服务需求", "有什么活", "有啥活", "有什么需求", "有什么志愿活动",
                 "有什么志愿服务"),
    "认领": ("报名", "我报名", "我要报名", "我也报名", "我也要报名", "报名参加", "我认领", "我要认领",
             "我也认领"),
    "取消认领": ("退出认领", "取消报名"),
    "我的认领": ("我的报名",),
    "发布需求": ("发布志愿需求",),
    "代认领": ("代为认领",),
    "修改名额": ("调整名额",),
    "缺勤": ("登记缺勤",),
    # notices: a receipt, as members acknowledge a notice in groups
    "收到": ("已收到", "收到了", "已阅", "已读"),
    # suggestion
    "建议": ("提建议",),
    "回复建议": ("答复建议",),
    # points
    "积分": ("查积分", "查询积分", "积分查询", "查看积分", "查分", "我的积分", "查我的积分", "我的分数",
             "积分余额", "积分多少", "积分是多少", "我的积分多少", "我的积分是多少", "我的积分呢",
             "我有多少积分", "我有多少分", "我有几分", "查一下积分", "查下积分", "看看积分", "看一下积分"),
    "积分排行": ("积分排名",),
    "兑换列表": ("积分兑换",),
    "我的兑换": ("我的订单",),
    "设置积分规则": ("修改积分规则",),
    # party days
    "主题党日": ("党日",),
    "设置主题党日": ("设置党日",),
    "本月主题": ("党日主题",),
    "取消本次党日": ("取消党日",),
    # reminders
    "提醒": ("定时提醒",),
    "提醒列表": ("查看提醒",),
    "缺勤提醒": ("未签到提醒",),
    # exports and the dashboard
    "导出": ("导出台账",),
    "后台": ("管理后台", "网页后台"),
    # help
    "帮助": ("菜单", "功能", "功能菜单", "功能列表", "使用说明", "使用帮助", "操作说明", "说明书", "怎么用",
             "怎么使用", "如何使用", "怎么操作", "有什么功能", "有哪些功能", "命令", "命令列表", "指令"),
}
"""Aliases per command. bot.commands.command() and the help read them from here only."""


def aliases(command: str) -> tuple[str, ...]:
    """The other words for a command (none for most)."""
    return ALIASES.get(command, ())
