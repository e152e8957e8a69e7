"""argparse's own words in Chinese ("the following arguments are required", "invalid int value", "show this
help message and exit", "usage:"): staff read every message of the command line in Chinese.

argparse looks its messages up through gettext at the moment it needs them; this module answers those
look-ups; dibao/cli/__init__.py imports it before any parser is built."""

from __future__ import annotations

import argparse
from typing import Any

TYPES = {"int": "整数", "float": "数字", "str": "文字"}
MESSAGES = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "one of the arguments %s is required": "必须给出以下参数之一：%s",
    "invalid %(type)s value: %(value)r": "参数值无效，应为%(type)s：%(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选项：%(value)r（可选：%(choices)s）",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s（运行 %(prog)s --help 查看用法）\n",
    "expected one argument": "需要一个参数值",
    "expected at most one argument": "最多只能有一个参数值",
    "expected at least one argument": "至少需要一个参数值",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ambiguous option: %(option)s could match %(matches)s": "选项不明确：%(option)s 可能是 %(matches)s",
    "ignored explicit argument %r": "多余的参数值 %r",
    "%(prog)s: error: ": "%(prog)s：错误：",
}


class _Message(str):
    """A translated message whose `%` also names the value type in Chinese (int → 整数)."""

    def __mod__(self, args: Any) -> str:
        if isinstance(args, dict) and "type" in args:
            args = {**args, "type": TYPES.get(str(args["type"]), args["type"])}
        return str.__mod__(str(self), args)


def gettext(message: str) -> str:
    return _Message(MESSAGES.get(message, message))


def ngettext(singular: str, plural: str, n: int) -> str:
    if singular == "expected %s argument":
        return _Message("需要 %s 个参数值")
    return singular if n == 1 else plural


argparse._ = gettext  # type: ignore[attr-defined]
argparse.ngettext = ngettext  # type: ignore[attr-defined]
