"""A small fake OneBot V11 implementation (what NapCat/Lagrange are to the bot), for e2e tests and benchmarks.

It connects to the bot's reverse WebSocket, posts message and notice events in the OneBot 11 JSON
format, answers every API call the bot makes and records them:

    async with OneBotPeer(url, token="secret") as peer:
        reply = await peer.ask(10000, "绑定支部 第一支部", group_id=20001)   # the bot's answer, as text
        event = await peer.say(10002, "报到 张三", group_id=20001)          # just post it
        sent = await peer.wait_for_reply(event)                              # SentMessage
        await peer.join(10003, group_id=20001)                               # group_increase notice

The bot's replies are matched to the event they answer by chat (group, or private user) and order:
the first not-yet-claimed message the bot sent to that chat after the event was posted.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

Segment = dict[str, Any]
MessageLike = str | Segment | list[str | Segment]

# Shared by every peer in the process: a restarted bot on the same database never sees an id twice.
_event_message_ids = itertools.count(int(time.time()) % 100_000 * 1000 + 1)
_bot_message_ids = itertools.count(900_000_001)


def text(value: str) -> Segment:
    """A text segment."""
    return {"type": "text", "data": {"text": value}}


def at(user_id: int | str) -> Segment:
    """An @mention segment (`at("all")` for @全体成员)."""
    return {"type": "at", "data": {"qq": str(user_id)}}


def reply(message_id: int) -> Segment:
    """A quote-reply segment (the bot will call get_msg for it)."""
    return {"type": "reply", "data": {"id": str(message_id)}}


def segments(message: MessageLike) -> list[Segment]:
    """Normalise str / segment / list of both into a list of segments (str is plain text, never CQ)."""
    items = message if isinstance(message, list) else [message]
    return [text(item) if isinstance(item, str) else item for item in items]


def render(message: Any) -> str:
    """Readable text of a message as the bot sent it: text as is, @ as `@id`, others as `[type]`."""
    if isinstance(message, str):
        return message
    if isinstance(message, dict):
        message = [message]
    parts = []
    for seg in message or []:
        kind, data = seg.get("type"), seg.get("data") or {}
        if kind == "text":
            parts.append(str(data.get("text", "")))
        elif kind == "at":
            parts.append(f"@{data.get('qq')}")
        elif kind == "node":
            parts.append(render(data.get("content") or []))
        else:
            parts.append(f"[{kind}]")
    return "".join(parts)


class HandshakeRefused(Exception):
    """The bot refused the WebSocket handshake (wrong/missing token, duplicate self id)."""

    def __init__(self, status: int) -> None:
        super().__init__(f"handshake refused with HTTP {status}")
        self.status = status


class ApiFailure(Exception):
    """Raise from an API handler to answer the call with status 'failed'."""

    def __init__(self, retcode: int = 100, message: str = "failed") -> None:
        super().__init__(message)
        self.retcode, self.message = retcode, message


@dataclass
class ApiCall:
    """One API call the bot made, with the data the peer answered."""

    action: str
    params: dict[str, Any]
    at: float
    result: Any = None
    ok: bool = True


@dataclass
class SentMessage:
    """A message the bot sent (send_msg / send_group_msg / send_private_msg / forward)."""

    message_id: int
    chat: tuple[str, int]
    """("group", group_id) or ("private", user_id)."""
    message: list[Segment]
    action: str
    seq: int
    claimed: bool = False
    at: float = field(default_factory=time.time)

    @property
    def text(self) -> str:
        """The message as readable text (`@id` for mentions)."""
        return render(self.message)

    @property
    def plain(self) -> str:
        """Only the text segments, concatenated."""
        return "".join(s["data"].get("text", "") for s in self.message if s.get("type") == "text")

    @property
    def mentions(self) -> list[str]:
        """User ids @-mentioned in the message."""
        return [str(s["data"].get("qq")) for s in self.message if s.get("type") == "at"]


@dataclass
class PostedEvent:
    """An event the peer posted; `seq` orders it against the bot's sent messages."""

    data: dict[str, Any]
    seq: int
    chat: tuple[str, int] | None

    @property
    def message_id(self) -> int | None:
        """The OneBot message id (message events only)."""
        return self.data.get("message_id")


@dataclass
class GroupState:
    """What the peer knows of one group: members by user id → role (owner/admin/member)."""

    name: str
    members: dict[int, str] = field(default_factory=dict)


class OneBotPeer:
    """A fake OneBot V11 implementation connected to the bot's reverse WebSocket."""

    def __init__(
        self, url: str, *, self_id: int | str = 99999, token: str | None = None,
        heartbeat_interval: float | None = None, timeout: float = 10.0,
        history: list[SentMessage] | None = None,
    ) -> None:
        self.url, self.self_id, self.token = url, int(self_id), token
        self.history = list(history or [])
        """What the account sent before this connection (NapCat and Lagrange keep it): the
        message history APIs show it with what is sent now."""
        self.heartbeat_interval, self.timeout = heartbeat_interval, timeout
        self.calls: list[ApiCall] = []
        self.sent: list[SentMessage] = []
        self.events: list[PostedEvent] = []
        self.nicknames: dict[int, str] = {}
        self.groups: dict[int, GroupState] = {}
        self.handlers: dict[str, Callable[[dict[str, Any]], Any]] = {}
        self._ws: ClientConnection | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._changed = asyncio.Condition()
        self._seq = itertools.count(1)
        self.answer_concurrently = True
        """Answer API calls as they come, like NapCat (False: one at a time, in order)."""

    # -- connection -------------------------------------------------------------------------

    def headers(self) -> dict[str, str]:
        """The handshake headers a OneBot implementation sends."""
        headers = {"X-Self-ID": str(self.self_id), "X-Client-Role": "Universal",
                   "User-Agent": "OneBotPeer/11"}
        if self.token is not None:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    async def connect(self) -> OneBotPeer:
        """Open the WebSocket, post the lifecycle event, start answering API calls."""
        try:
            self._ws = await connect(self.url, additional_headers=self.headers(),
                                     open_timeout=self.timeout, max_size=None)
        except InvalidStatus as error:
            raise HandshakeRefused(error.response.status_code) from error
        self._tasks.append(asyncio.create_task(self._receive_loop()))
        await self.post(self._meta("lifecycle", sub_type="connect"))
        if self.heartbeat_interval:
            self._tasks.append(asyncio.create_task(self._heartbeat_loop()))
        await self.wait_connected()
        return self

    async def wait_connected(self) -> None:
        """Return once the bot has registered this connection (it answers a get_status echo)."""
        # A round trip through the adapter: an unsolicited API response is harmless, and the bot's
        # reply to a probe message would be noise; the lifecycle event already went first, so a
        # short ping/pong is enough to know the server side has accepted us.
        assert self._ws is not None
        pong = await self._ws.ping()
        await asyncio.wait_for(pong, self.timeout)

    async def close(self) -> None:
        """Close the connection (the bot sees the account go offline)."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
        if self._ws is not None:
            await self._ws.close()
            self._ws = None

    async def __aenter__(self) -> OneBotPeer:
        return await self.connect()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def connected(self) -> bool:
        """False once the bot (or the network) closed the connection."""
        return self._ws is not None and self._ws.close_code is None

    async def _heartbeat_loop(self) -> None:
        assert self.heartbeat_interval
        while True:
            await asyncio.sleep(self.heartbeat_interval)
            await self.post(self._meta("heartbeat", status={"online": True, "good": True},
                                       interval=int(self.heartbeat_interval * 1000)))

    async def _receive_loop(self) -> None:
        assert self._ws is not None
        pending: set[asyncio.Task[None]] = set()
        with contextlib.suppress(ConnectionClosed):
            async for raw in self._ws:
                if self.answer_concurrently:
                    task = asyncio.create_task(self._respond(json.loads(raw)))
                    pending.add(task)
                    task.add_done_callback(pending.discard)
                else:
                    await self._respond(json.loads(raw))
        for task in pending:
            task.cancel()
        async with self._changed:
            self._changed.notify_all()

    async def _respond(self, request: dict[str, Any]) -> None:
        response = await self._answer(request.get("action", ""), request.get("params") or {})
        response["echo"] = request.get("echo")
        if self._ws is not None:
            with contextlib.suppress(ConnectionClosed):
                await self._ws.send(json.dumps(response, ensure_ascii=False))

    # -- posting events ---------------------------------------------------------------------

    def _base(self, post_type: str) -> dict[str, Any]:
        return {"time": int(time.time()), "self_id": self.self_id, "post_type": post_type}

    def _meta(self, kind: str, **extra: Any) -> dict[str, Any]:
        return {**self._base("meta_event"), "meta_event_type": kind, **extra}

    async def post(self, data: dict[str, Any], chat: tuple[str, int] | None = None) -> PostedEvent:
        """Post any event JSON as is (for malformed or unusual events)."""
        assert self._ws is not None, "not connected"
        posted = PostedEvent(data=data, seq=next(self._seq), chat=chat)
        self.events.append(posted)
        await self._ws.send(json.dumps(data, ensure_ascii=False))
        return posted

    def _remember(self, user_id: int, nickname: str | None, group_id: int | None,
                  role: str | None = None) -> str:
        nickname = nickname or self.nicknames.get(user_id) or f"用户{user_id}"
        self.nicknames[user_id] = nickname
        if group_id is not None:
            group = self.groups.setdefault(group_id, GroupState(name=f"群{group_id}"))
            group.members[user_id] = role or group.members.get(user_id, "member")
        return nickname

    async def say(
        self, user_id: int | str, message: MessageLike, *, group_id: int | str | None = None,
        message_id: int | None = None, nickname: str | None = None, card: str = "",
        role: str = "member",
    ) -> PostedEvent:
        """Post a group message (group_id given) or a private message from user_id."""
        uid = int(user_id)
        gid = None if group_id is None else int(group_id)
        nickname = self._remember(uid, nickname, gid, role if gid is not None else None)
        segs = segments(message)
        data = {
            **self._base("message"),
            "message_id": message_id if message_id is not None else next(_event_message_ids),
            "user_id": uid, "message": segs, "raw_message": render(segs), "font": 0,
        }
        if gid is None:
            data |= {"message_type": "private", "sub_type": "friend",
                     "sender": {"user_id": uid, "nickname": nickname, "sex": "unknown", "age": 0}}
            return await self.post(data, ("private", uid))
        data |= {"message_type": "group", "sub_type": "normal", "group_id": gid, "anonymous": None,
                 "sender": {"user_id": uid, "nickname": nickname, "card": card, "sex": "unknown",
                            "age": 0, "area": "", "level": "1", "role": role, "title": ""}}
        return await self.post(data, ("group", gid))

    async def resend(self, event: PostedEvent) -> PostedEvent:
        """Deliver the same event again (same message id), as a reconnecting implementation may."""
        return await self.post(dict(event.data), event.chat)

    async def notice(self, notice_type: str, **fields: Any) -> PostedEvent:
        """Post a notice event (group_increase, group_decrease, group_admin, friend_add, ...)."""
        data = {**self._base("notice"), "notice_type": notice_type, **fields}
        gid = fields.get("group_id")
        return await self.post(data, ("group", int(gid)) if gid is not None else None)

    async def join(self, user_id: int | str, *, group_id: int | str, operator_id: int = 0,
                   nickname: str | None = None) -> PostedEvent:
        """Someone joined the group (group_increase, sub_type approve)."""
        self._remember(int(user_id), nickname, int(group_id))
        return await self.notice("group_increase", sub_type="approve", group_id=int(group_id),
                                 operator_id=operator_id, user_id=int(user_id))

    async def leave(self, user_id: int | str, *, group_id: int | str, kicked_by: int | None = None
                    ) -> PostedEvent:
        """Someone left the group (group_decrease, sub_type leave, or kick when kicked_by)."""
        group = self.groups.get(int(group_id))
        if group is not None:
            group.members.pop(int(user_id), None)
        return await self.notice(
            "group_decrease", sub_type="kick" if kicked_by else "leave", group_id=int(group_id),
            operator_id=kicked_by or int(user_id), user_id=int(user_id))

    # -- waiting for the bot ----------------------------------------------------------------

    async def _wait(self, find: Callable[[], Any], within: float | None, what: str) -> Any:
        async def waiter() -> Any:
            async with self._changed:
                while (found := find()) is None:
                    if not self.connected:
                        raise ConnectionError(f"connection closed while waiting for {what}")
                    await self._changed.wait()
                return found

        try:
            return await asyncio.wait_for(waiter(), within or self.timeout)
        except TimeoutError:
            recent = "\n".join(f"  {m.chat}: {m.text!r}" for m in self.sent[-5:])
            raise AssertionError(f"timed out waiting for {what}; last sent:\n{recent}") from None

    def _next_reply(self, event: PostedEvent) -> SentMessage | None:
        for message in self.sent:
            if not message.claimed and message.chat == event.chat and message.seq > event.seq:
                message.claimed = True
                return message
        return None

    async def wait_for_reply(self, event: PostedEvent, within: float | None = None) -> SentMessage:
        """The bot's message answering this event (the first unclaimed one in its chat after it)."""
        assert event.chat is not None, "event has no chat to be answered in"
        return await self._wait(lambda: self._next_reply(event), within,
                                f"a reply to {render(event.data.get('message')) or event.data}")

    reply_to = wait_for_reply

    async def ask(self, user_id: int | str, message: MessageLike, *, group_id: int | str | None = None,
                  within: float | None = None, **kwargs: Any) -> str:
        """say() and return the text of the bot's reply."""
        event = await self.say(user_id, message, group_id=group_id, **kwargs)
        return (await self.wait_for_reply(event, within)).text

    async def wait_for_sent(self, predicate: Callable[[SentMessage], bool] | None = None,
                            within: float | None = None) -> SentMessage:
        """The first unclaimed message the bot sent that matches (any chat)."""
        def find() -> SentMessage | None:
            for message in self.sent:
                if not message.claimed and (predicate is None or predicate(message)):
                    message.claimed = True
                    return message
            return None

        return await self._wait(find, within, "a sent message")

    async def wait_for_call(self, action: str, predicate: Callable[[ApiCall], bool] | None = None,
                            within: float | None = None) -> ApiCall:
        """The first recorded API call of this action that matches."""
        def find() -> ApiCall | None:
            return next((c for c in self.calls if c.action == action
                         and (predicate is None or predicate(c))), None)

        return await self._wait(find, within, f"API call {action}")

    async def settle(self, event: PostedEvent, quiet: float = 0.3) -> list[SentMessage]:
        """Wait `quiet` seconds and return every unclaimed message sent to the event's chat since it.

        For asserting silence (`assert await peer.settle(event) == []`): silence cannot be awaited,
        so this is the one place a short fixed wait is used.
        """
        await asyncio.sleep(quiet)
        found = [m for m in self.sent if not m.claimed and m.chat == event.chat and m.seq > event.seq]
        for message in found:
            message.claimed = True
        return found

    def unclaimed(self) -> list[SentMessage]:
        """Messages the bot sent that no wait has claimed yet."""
        return [m for m in self.sent if not m.claimed]

    # -- answering API calls ----------------------------------------------------------------

    def on_api(self, action: str, handler: Callable[[dict[str, Any]], Any]) -> None:
        """Answer `action` with handler(params), sync or async (raise ApiFailure to fail it)."""
        self.handlers[action] = handler

    def fail_api(self, action: str, retcode: int = 100, message: str = "failed") -> None:
        """Make every call of `action` fail, as a real implementation does when offline or muted."""

        def fail(_params: dict[str, Any]) -> Any:
            raise ApiFailure(retcode, message)

        self.handlers[action] = fail

    async def _answer(self, action: str, params: dict[str, Any]) -> dict[str, Any]:
        call = ApiCall(action=action, params=params, at=time.time())
        handler = self.handlers.get(action) or getattr(self, f"_api_{action}", None)
        try:
            call.result = handler(params) if handler else None
            if inspect.isawaitable(call.result):
                call.result = await call.result
        except ApiFailure as failure:
            call.ok = False
            response = {"status": "failed", "retcode": failure.retcode, "data": None,
                        "message": failure.message, "wording": failure.message}
        else:
            response = {"status": "ok", "retcode": 0, "data": call.result}
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()
        return response

    def _record_sent(self, action: str, chat: tuple[str, int], message: Any) -> dict[str, Any]:
        if isinstance(message, str):
            message = [text(message)]  # CQ strings are shown raw: the bot should send segments
        sent = SentMessage(message_id=next(_bot_message_ids), chat=chat, message=list(message),
                           action=action, seq=next(self._seq))
        self.sent.append(sent)
        return {"message_id": sent.message_id}

    def _api_send_msg(self, params: dict[str, Any]) -> dict[str, Any]:
        kind = params.get("message_type") or ("group" if params.get("group_id") else "private")
        target = params["group_id"] if kind == "group" else params["user_id"]
        return self._record_sent("send_msg", (kind, int(target)), params.get("message"))

    def _api_send_group_msg(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._record_sent("send_group_msg", ("group", int(params["group_id"])),
                                 params.get("message"))

    def _api_send_private_msg(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._record_sent("send_private_msg", ("private", int(params["user_id"])),
                                 params.get("message"))

    def _api_send_group_forward_msg(self, params: dict[str, Any]) -> dict[str, Any]:
        nodes = params.get("messages") or []
        result = self._record_sent("send_group_forward_msg", ("group", int(params["group_id"])),
                                   nodes)
        return result | {"forward_id": f"fwd{result['message_id']}"}

    def _api_send_private_forward_msg(self, params: dict[str, Any]) -> dict[str, Any]:
        nodes = params.get("messages") or []
        result = self._record_sent("send_private_forward_msg", ("private", int(params["user_id"])),
                                   nodes)
        return result | {"forward_id": f"fwd{result['message_id']}"}

    def _api_delete_msg(self, params: dict[str, Any]) -> None:
        return None

    def _api_get_msg(self, params: dict[str, Any]) -> dict[str, Any]:
        wanted = int(params["message_id"])
        for sent in self.sent:
            if sent.message_id == wanted:
                return {"time": int(time.time()), "message_type": sent.chat[0],
                        "message_id": wanted, "real_id": wanted, "message": sent.message,
                        "sender": {"user_id": self.self_id, "nickname": "银龄助手"}}
        for posted in self.events:
            if posted.data.get("message_id") == wanted:
                data = posted.data
                return {"time": data["time"], "message_type": data["message_type"],
                        "message_id": wanted, "real_id": wanted, "message": data["message"],
                        "sender": data["sender"]}
        raise ApiFailure(1404, "message not found")

    def _history(self, chat: tuple[str, int], count: int) -> dict[str, Any]:
        """NapCat's get_*_msg_history answer: the chat's latest messages, oldest first."""
        mine = [m for m in self.history + self.sent if m.chat == chat][-count:]
        return {"messages": [
            {"time": int(m.at), "message_id": m.message_id, "real_id": m.message_id,
             "message_type": chat[0], "user_id": self.self_id, "self_id": self.self_id,
             "sender": {"user_id": self.self_id, "nickname": "银龄助手"}, "message": m.message,
             "raw_message": m.text, "post_type": "message_sent",
             **({"group_id": chat[1]} if chat[0] == "group" else {})} for m in mine]}

    def _api_get_group_msg_history(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._history(("group", int(params["group_id"])), int(params.get("count") or 20))

    def _api_get_friend_msg_history(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._history(("private", int(params["user_id"])), int(params.get("count") or 20))

    def _api_get_login_info(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"user_id": self.self_id, "nickname": "银龄助手"}

    def _api_get_status(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"online": True, "good": True}

    def _api_get_version_info(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"app_name": "OneBotPeer", "app_version": "1.0", "protocol_version": "v11"}

    def _api_can_send_image(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"yes": True}

    _api_can_send_record = _api_can_send_image

    def _member_info(self, group_id: int, user_id: int) -> dict[str, Any]:
        role = self.groups.get(group_id, GroupState("")).members.get(user_id, "member")
        return {"group_id": group_id, "user_id": user_id,
                "nickname": self.nicknames.get(user_id, f"用户{user_id}"), "card": "",
                "sex": "unknown", "age": 0, "area": "", "join_time": 0, "last_sent_time": 0,
                "level": "1", "role": role, "unfriendly": False, "title": "",
                "title_expire_time": 0, "card_changeable": True}

    def _api_get_group_member_info(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._member_info(int(params["group_id"]), int(params["user_id"]))

    def _api_get_group_member_list(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        gid = int(params["group_id"])
        return [self._member_info(gid, uid) for uid in self.groups.get(gid, GroupState("")).members]

    def _api_get_group_info(self, params: dict[str, Any]) -> dict[str, Any]:
        gid = int(params["group_id"])
        group = self.groups.get(gid, GroupState(name=f"群{gid}"))
        return {"group_id": gid, "group_name": group.name, "member_count": len(group.members),
                "max_member_count": 500}

    def _api_get_group_list(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        return [self._api_get_group_info({"group_id": gid}) for gid in self.groups]

    def _api_get_stranger_info(self, params: dict[str, Any]) -> dict[str, Any]:
        uid = int(params["user_id"])
        return {"user_id": uid, "nickname": self.nicknames.get(uid, f"用户{uid}"),
                "sex": "unknown", "age": 0}

    def _api_get_friend_list(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"user_id": uid, "nickname": nick, "remark": ""}
                for uid, nick in self.nicknames.items()]

    def _api_upload_group_file(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"file_id": f"file{len(self.calls) + 1}"}

    _api_upload_private_file = _api_upload_group_file

    def files_uploaded(self) -> list[ApiCall]:
        """upload_group_file / upload_private_file calls, in order."""
        return [c for c in self.calls if c.action in ("upload_group_file", "upload_private_file")]
