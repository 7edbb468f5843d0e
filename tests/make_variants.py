"""Generate the seed's variants that users meet, as test fixtures in tests/data/variants/.

Run ``python tests/make_variants.py`` after the seed changes; ``test_parse.py`` checks that the
committed fixtures equal what this script makes, and that each parses to the same graph.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "sources" / "000_5c974d2b1e7beda6.txt"
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
    for name, data in variants().items():
        (OUT / name).write_bytes(data)
        print(f"wrote {OUT / name}")
