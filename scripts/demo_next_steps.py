"""What `make demo` prints at its end: the next steps on the demo home (a user, `serve`, the address, names to
search), with the demo's own names so every line can be pasted as it is."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archiver.catalog import Catalog  # noqa: E402
from archiver.home import Home  # noqa: E402


def main(home_dir: str, bin_dir: str = ".venv/bin") -> None:
    home = Home(Path(home_dir))
    cat = Catalog.of(home)
    try:
        households = cat.households()
        names = [h.head_name for h in households[:: max(1, len(households) // 3)]][:3]
        township = next((h.township for h in households if h.township), "")
    finally:
        cat.close()
    dibao = f"{bin_dir}/dibao --home {home_dir}"
    print(f"""
样例档案库已就绪：{home_dir}（{len(households)} 户）/ the demo archive is ready

下一步 / next steps:
  1. 创建一个县级管理员（密码至少8位）/ create a county administrator:
       {dibao} user add 管理员 --role county --password 'demo-pass-1'
     乡镇用户 / a township user:
       {dibao} user add {township}民政办 --role township --area {township} --password 'demo-pass-2'
  2. 启动网页服务 / start the web interface:
       {dibao} serve
  3. 用浏览器打开 / open in a browser:  http://127.0.0.1:8000  （用户名 管理员，密码 demo-pass-1）
  4. 检索试试这些姓名 / search for: {"、".join(names)}，或拼音首字母如 {_initials(names[0]) if names else ""}
  5. 在“设置”中填写单位名称、监督电话和今年的低保标准 / set the office name, phone and this year's standard
""")


def _initials(name: str) -> str:
    from archiver.index.analysis import pinyin_forms

    return pinyin_forms(name)[1]


if __name__ == "__main__":
    main(*sys.argv[1:])
