"""家庭经济状况核对 on the project's application packs: not required by default (nothing changes); where
policy requires it, approval without a 核对 before it is a missing_step, a recorded result or a filed
核对报告 dated before the decision clears it, and one dated after the decision does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.casepacks import _pdf, build

pytestmark = pytest.mark.cli


def _missing(dibao) -> dict[str, list[str]]:
    return {f["households"][0]: f["detail"]["steps"] for f in dibao.json("inspect", "--year", "2025")["findings"]
            if f["code"] == "missing_step"}


def test_verification_required_by_policy(dibao, tmp_path: Path) -> None:
    packs = build(tmp_path / "in")
    dibao("ingest", str(tmp_path / "in"), "--quiet")
    keys = {p.name: dibao.json("household", "show", p.head[1])["household_id"] for p in packs}
    before = _missing(dibao)
    assert not any("核对" in steps for steps in before.values())  # default policy: as before
    policy = dibao.home / "policy.toml"
    policy.write_text(policy.read_text(encoding="utf-8").replace(
        'required_steps = ["申请", "入户调查", "公示", "审批"]', 'required_steps = ["申请", "入户调查", "核对", "公示", "审批"]'),
        encoding="utf-8")
    approved = {keys[p.name] for p in packs if not p.refused and p.decided}
    missing = _missing(dibao)
    assert {k for k, steps in missing.items() if "核对" in steps} == approved
    assert not any("核对" in missing.get(keys[p.name], []) for p in packs if p.refused)  # a refusal needs no check
    dibao("cases", "verify", keys["程清一"], "--date", "2025-03-15", "--result", "符合")
    dibao("cases", "verify", keys["程清二"], "--date", "2025-04-05", "--result", "不符合", "--found", "车辆",
          "--found", "存款")  # after the approval of 2025-03-28
    scan = tmp_path / "more"
    scan.mkdir()
    name, idn = next(p.head for p in packs if p.name == "程清三")
    (scan / "核对报告.pdf").write_bytes(_pdf(["最低生活保障家庭经济状况核对报告", f"被核对人：{name}  身份证号：{idn}",
                                              "核对结果：存款、车辆、房产、工商登记、公积金均未发现超标", "报告日期：2025年3月16日"]))
    dibao("ingest", str(scan), "--quiet")
    assert any(d["type"] == "核对报告" for d in dibao.json("household", "show", keys["程清三"])["documents"])
    missing = _missing(dibao)
    assert "核对" not in missing.get(keys["程清一"], []) and "核对" not in missing.get(keys["程清三"], [])
    assert "核对" in missing[keys["程清二"]]
    case = dibao.json("household", "show", keys["程清二"])
    steps = [s for c in case["cases"] for s in c["steps"] if s["step"] == "核对"]  # the timeline shows what was found
    assert steps[0]["detail"]["found"] == ["车辆", "存款"] and steps[0]["detail"]["result"] == "不符合"
