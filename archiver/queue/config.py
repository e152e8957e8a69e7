"""Is the queue there? Checked before anything is filed: an unreachable broker, or a machine without the
cluster extra, stops the command with a clerk's message (exit 2). And the broker as it may be shown."""

from __future__ import annotations

from urllib.parse import urlsplit

from archiver.errors import UserError


class QueueUnreachable(UserError):
    """The broker does not answer, or the cluster extra is not installed: nothing was filed."""


def shown_url(url: str) -> str:
    """The broker as it may be printed and logged: scheme, host, port and database, never a password."""
    try:
        parts = urlsplit(url)
        port = f":{parts.port}" if parts.port else ""
    except ValueError:  # a port that is not a number: the URL is shown no further than its scheme
        return url.partition("://")[0] + "://?"
    return f"{parts.scheme}://{parts.hostname or '?'}{port}{parts.path}"


def check(broker: str) -> None:
    """Raise QueueUnreachable unless the broker answers a PING within a few seconds."""
    if not broker.startswith(("redis://", "rediss://", "unix://")):
        raise QueueUnreachable(f"任务队列地址应为 redis://主机:端口/库号：{shown_url(broker)} / "
                               "the broker must be a redis:// URL")
    try:
        import celery  # noqa: F401
        import redis
    except ImportError as exc:
        raise QueueUnreachable("未安装任务队列组件，请安装 dibao[cluster]（celery、redis）/ "
                               "install the cluster extra: pip install 'dibao[cluster]'") from exc
    try:
        redis.Redis.from_url(broker, socket_connect_timeout=3, socket_timeout=5).ping()
    except (redis.RedisError, OSError, ValueError) as exc:
        raise QueueUnreachable(
            f"无法连接任务队列 {shown_url(broker)}，未归档任何文件；请确认 Redis 已启动、防火墙放行该端口 / "
            f"cannot reach the broker: {type(exc).__name__}") from exc
