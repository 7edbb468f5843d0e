"""The ``metadata.yaml`` of a SYNTHETIC corpus: what its publication says the dataset is.

Its title, description, pictures and keywords say it is synthetic; its main document is the
first city plan and its period the years the plans cover. What is the project's choice rather
than a fact of the data — the licence, the publisher, the EU theme and the colours of the levels
— is copied from the project's own ``data/metadata.yaml``. ``docs/metadata.md`` describes the keys.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml

from heze_ip_kg.corpus.plans import BASE_YEAR, TARGET_YEAR, SyntheticPlan
from heze_ip_kg.resources import data_dir

PROJECT_CHOICES = ("licence", "publisher", "themes", "colours")


def synthetic_metadata(plans: Sequence[SyntheticPlan], note: str) -> bytes:
    """The metadata file of a corpus of ``plans``, headed by the synthetic ``note``."""
    own = yaml.safe_load((data_dir() / "metadata.yaml").read_text(encoding="utf-8"))
    cities = [p for p in plans if p.level == "municipal"]
    counts = {level: sum(p.level == level for p in plans) for level in ("municipal", "provincial")}
    described = f"{counts['municipal']} 个市级、{counts['provincial']} 个省级和 1 个国家级合成规划"
    data: dict[str, Any] = {
        "title": {
            "zh": "合成规划语料知识图谱（非官方）",
            "en": "Synthetic plan corpus (not official)",
        },
        "short_title": {"zh": "合成语料知识图谱", "en": "Synthetic corpus graph"},
        "description": {
            "zh": f"由 heze-ip-kg corpus 生成的 {described}，供基准测试和测试使用；并非官方文本。",
            "en": f"{counts['municipal']} city, {counts['provincial']} provincial and 1 national "
            "synthetic plans written by heze-ip-kg corpus for benchmarks and tests; not official "
            "texts.",
        },
        "provenance": {
            "zh": "合成数据：由 heze-ip-kg corpus 生成，并非官方文本。",
            "en": f"{note}.",
        },
        "main_document": cities[0].slug if cities else plans[0].slug,
        "period": {"start": BASE_YEAR + 1, "end": TARGET_YEAR},
        "keywords": {
            "zh": ["合成数据", "知识产权", "十四五规划"],
            "en": ["synthetic data", "intellectual property", "14th Five-Year Plan"],
        },
        "pictures": {
            "trace": {
                "zh": "合成：市 → 省 → 国家：实现关系",
                "en": "Synthetic: city → province → nation",
            },
            "indicators": {
                "zh": "合成：市、省与国家的主要指标基期值和目标值",
                "en": "Synthetic: baselines and targets of city, province and nation",
            },
        },
    }
    data.update({key: own[key] for key in PROJECT_CHOICES})
    header = (
        f"# {note}.\n# What a publication of this synthetic corpus says the dataset is; the\n"
        "# licence, publisher, theme and colours are the project's (data/metadata.yaml).\n"
    )
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    return (header + body).encode("utf-8")


__all__ = ["synthetic_metadata"]
