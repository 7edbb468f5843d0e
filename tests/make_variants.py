"""Generate the seed's and the national outline's variants that users meet, as test fixtures in
tests/data/variants/.

Run ``python tests/make_variants.py`` after a source changes; ``test_parse.py`` and
``test_outline.py`` check that the committed fixtures equal what this script makes, and that
each parses to the same structure.
"""

from __future__ import annotations

import re
from pathlib import Path

from heze_ip_kg.parse.numbering import to_chinese

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "sources" / "000_5c974d2b1e7beda6.txt"
OUTLINE = ROOT / "data" / "sources" / "national-ip-outline-2021-2035.txt"
OUT = ROOT / "tests" / "data" / "variants"

# Where the lost top-level headings stood, by the first line of each part.
RESTORED = {
    "(一)指导思想。": "一、总体要求",
    "(一)加强知识产权保护。": "二、重点任务",
    "(一)实施知识产权保护提升工程。": "三、重点工程",
    "(一)加强组织领导。": "四、保障措施",
}
PLAN_TITLE = "菏泽市“十四五”知识产权保护和运用规划"
HALF_TO_FULL = str.maketrans({",": "，", "(": "（", ")": "）", ":": "：", ";": "；"})


def fullwidth(text: str) -> str:
    """Full-width punctuation and numbering, as on the government website (tables untouched)."""
    lines = []
    for line in text.split("\n"):
        if "|" not in line:
            line = re.sub(r"^(\d{1,2})\.", r"\1．", line.translate(HALF_TO_FULL))
        lines.append(line)
    return "\n".join(lines)


def restored(text: str) -> str:
    """The four top-level headings and the plan title put back where they belong."""
    lines = []
    for line in text.split("\n"):
        for start, heading in RESTORED.items():
            if line.startswith(start):
                lines.append(heading)
        lines.append(line)
        if line == "(此件公开发布)":
            lines.append(PLAN_TITLE)
    return "\n".join(lines)


def indented(text: str) -> str:
    """Blank lines between paragraphs and ideographic-space indentation, as pasted from a page."""
    return "\n\n".join(f"\u3000\u3000{line}  " if line else line for line in text.split("\n"))


_CN_NUMBER = r"[一二三四五六七八九十]+"


def run_in(text: str) -> str:
    """Every numbered heading that ends in 。 run into its first paragraph, as official pages
    print them: （四）构建……法律体系。开展……"""
    out: list[str] = []
    heading = False
    for line in text.split("\n"):
        if heading and line:
            out[-1] += line
            heading = False
        else:
            out.append(line)
            heading = bool(re.match(rf"^（{_CN_NUMBER}）[^。]*。$", line))
    return "\n".join(out)


def chapters(text: str) -> str:
    """Chapters and sections as 第X章 / 第X节 (Guangdong's style), the sections' numbers running
    on as the outline's do."""
    text = re.sub(rf"(?m)^({_CN_NUMBER})、", r"第\1章 ", text)
    return re.sub(rf"(?m)^（({_CN_NUMBER})）", r"第\1节 ", text)


def restarting(text: str) -> str:
    """Sections numbered from （一） again in each chapter, as most plans number them."""
    out = []
    count = 0
    for line in text.split("\n"):
        if re.match(rf"^{_CN_NUMBER}、", line):
            count = 0
        elif match := re.match(rf"^（{_CN_NUMBER}）", line):
            count += 1
            line = f"（{to_chinese(count)}）" + line[match.end() :]
        out.append(line)
    return "\n".join(out)


def outline_variants() -> dict[str, bytes]:
    """File name → bytes of every variant of the national outline."""
    outline = OUTLINE.read_text(encoding="utf-8")
    return {
        "outline-run-in.txt": run_in(outline).encode("utf-8"),
        "outline-gb18030-crlf.txt": outline.replace("\n", "\r\n").encode("gb18030"),
        "outline-chapters.txt": chapters(outline).encode("utf-8"),
        "outline-restarting.txt": restarting(outline).encode("utf-8"),
    }


def variants() -> dict[str, bytes]:
    """File name → bytes of every variant."""
    seed = SEED.read_text(encoding="utf-8")
    return {
        "fullwidth.txt": fullwidth(seed).encode("utf-8"),
        "restored-headings.txt": restored(seed).encode("utf-8"),
        "crlf-bom.txt": ("\ufeff" + seed.replace("\n", "\r\n")).encode("utf-8"),
        "gb18030.txt": seed.encode("gb18030"),
        "indented.txt": indented(seed).encode("utf-8"),
        "fullwidth-restored-crlf.txt": fullwidth(restored(seed)).replace("\n", "\r\n").encode(),
    }


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for name, data in {**variants(), **outline_variants()}.items():
        (OUT / name).write_bytes(data)
        print(f"wrote {OUT / name}")
