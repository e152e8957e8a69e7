"""One error boundary: the user's mistakes (UserError) exit 2 with their message; anything else is a bug —
exit 1, a generic message, the traceback in the log. policy.toml is checked on load, naming key and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from archiver.errors import UserError
from archiver.policy import PolicyError, parse

pytestmark = pytest.mark.cli


def set_policy(dibao, old: str, new: str) -> None:
    p: Path = dibao.home / "policy.toml"
    text = p.read_text(encoding="utf-8")
    assert old in text
    p.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_wrong_value_in_policy_names_table_key_and_line(dibao) -> None:
    set_policy(dibao, "days = 7", 'days = "七天"')
    line = next(n for n, t in enumerate((dibao.home / "policy.toml").read_text(encoding="utf-8").splitlines(), 1)
                if t.startswith("days ="))
    r = dibao("stats", "--year", "2025", check=False)
    assert r.returncode == 2
    assert f"第{line}行" in r.stderr and "[notice] days" in r.stderr and "整数" in r.stderr
    assert "Traceback" not in r.stderr
    c = dibao("check", check=False)  # check says so too, before anything else goes wrong with it
    assert c.returncode == 1 and "policy_invalid" in c.stdout and f"第{line}行" in c.stdout


def test_broken_toml_and_unknown_choice_are_refused() -> None:
    with pytest.raises(PolicyError, match="line 2"):
        parse("[office]\nname = \n")
    with pytest.raises(PolicyError, match=r"\[cases\] payment_start"):
        parse('[cases]\npayment_start = "whenever"\n')
    assert isinstance(PolicyError("x"), UserError)
    assert parse('[review_months]\nA = 12\n').review_months == {"A": 12}


def test_the_users_mistake_exits_2_with_its_message(dibao) -> None:
    r = dibao("quarantine", "assign", "999", "5201990010002", check=False)
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_a_bug_exits_1_with_a_generic_message_and_the_traceback_in_the_log(dibao, monkeypatch) -> None:
    if not dibao.in_process:
        pytest.skip("plants a fault inside the process; DIBAO_TEST_SUBPROCESS runs a fresh interpreter")
    from generators import stats

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("planted fault 42")

    monkeypatch.setattr(stats, "compute", broken)
    r = dibao("stats", "--year", "2025", check=False)
    assert r.returncode == 1
    assert "内部错误" in r.stderr and "planted fault" not in r.stderr and "Traceback" not in r.stderr
    log = (dibao.home / "logs" / "dibao.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "planted fault 42" in log
