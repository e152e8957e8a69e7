"""Small workbooks for the import review (issue 23): one roster per member, household cells on the head's row
only, written in two layouts — one dibao reads unasked, and one whose members' ID column has a name it cannot
know (CYZJHM, a system export's pinyin initials) beside a 身份证号 column that holds only the head's ID, so it
is held for a person to confirm."""

from __future__ import annotations

from pathlib import Path

from tests.builders import person_id, write_xlsx

KNOWN = ["序号", "乡镇", "村(社区)", "户编号", "户主姓名", "户主身份证号", "成员姓名", "与户主关系", "成员身份证号",
         "保障类别", "保障人数", "月保障金额"]
OPAQUE = ["序号", "乡镇", "村(社区)", "户编号", "户主姓名", "身份证号", "成员姓名", "与户主关系", "CYZJHM",
          "保障类别", "保障人数", "月保障金额"]


def households(n: int = 4, township: str = "测试镇", village: str = "一村") -> list[dict]:
    out = []
    for i in range(n):
        members = [(f"张{i}", person_id(f"196001{i + 10:02d}", seq=10 + i), "户主"),
                   (f"李{i}", person_id(f"196202{i + 10:02d}", seq=30 + i, male=False), "配偶"),
                   (f"张小{i}", person_id(f"199003{i + 10:02d}", seq=50 + i), "子女")]
        out.append({"no": f"H{village}{i:03d}", "township": township, "village": village, "members": members})
    return out


def roster(path: Path, hs: list[dict], title: str, header: list[str] = KNOWN, bad: set[tuple[int, int]] = frozenset()
           ) -> Path:
    """`bad`: (household, member) whose ID lost its last digit (a rejected row, the row's own fault)."""
    rows: list[list[object]] = [[title], list(header)]
    for i, h in enumerate(hs):
        head_name, head_id, _ = h["members"][0]
        for j, (name, idn, rel) in enumerate(h["members"]):
            idn = idn[:17] if (i, j) in bad else idn
            if j == 0:
                rows.append([i + 1, h["township"], h["village"], h["no"], head_name, head_id, name, rel, idn, "农村低保",
                             len(h["members"]), 900])
            else:
                rows.append(["", "", "", "", "", "", name, rel, idn, "", "", ""])
    return write_xlsx(path, rows)
