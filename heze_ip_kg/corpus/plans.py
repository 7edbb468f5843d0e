"""The plans of the SYNTHETIC corpus: what each one holds, and the generator that writes them.

``PlanGenerator`` draws a plan's principles, indicators, task areas, tasks, key projects and
safeguards from the phrase bank (``templates/corpus/phrases.yaml``) with a random generator
seeded by the corpus seed and the plan's slug, so the same seed gives the same plans.
``heze_ip_kg.corpus.generate`` renders them into texts and writes the data folder around them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import yaml

from heze_ip_kg.parse.numbering import to_chinese
from heze_ip_kg.resources import resource_dir

# Every synthetic plan is a 14th Five-Year Plan (2021–2025): its indicators run from the year
# before it to its last.
BASE_YEAR = 2020
TARGET_YEAR = 2025


@dataclass(frozen=True)
class Item:
    """A generated element: its heading, text and (for linked items) the parent it carries out."""

    zh: str
    en: str
    text: str
    number: str = ""
    path: str = ""
    implements: str | None = None
    topic: str = ""


@dataclass(frozen=True)
class Area:
    """A task area with its tasks."""

    zh: str
    en: str
    number: str
    tasks: tuple[Item, ...]


@dataclass(frozen=True)
class Indicator:
    """A row of the generated indicator table."""

    zh: str
    en: str
    unit: str
    baseline: str
    target: str
    nature: str


@dataclass(frozen=True)
class SyntheticPlan:
    """One generated plan and what the generator wrote into it (the expected parse)."""

    slug: str
    level: str
    title: str
    title_en: str
    fullwidth: bool
    parent: str | None
    principles: tuple[Item, ...]
    indicators: tuple[Indicator, ...]
    areas: tuple[Area, ...]
    projects: tuple[Item, ...]
    safeguards: tuple[Item, ...]
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def file(self) -> str:
        return f"{self.slug}.txt"

    def counts(self) -> dict[str, int]:
        """Elements by class, as the parser must find them."""
        return {
            "Part": 4,
            "GuidingIdea": 1,
            "Principle": len(self.principles),
            "Objective": 1,
            "Indicator": len(self.indicators),
            "TaskArea": len(self.areas),
            "Task": sum(len(a.tasks) for a in self.areas),
            "KeyProject": len(self.projects),
            "Safeguard": len(self.safeguards),
        }


def _phrases() -> dict[str, Any]:
    path = resource_dir("templates") / "corpus" / "phrases.yaml"
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def _number(value: float) -> str:
    text = format(Decimal(f"{value:.2f}").normalize(), "f")
    return text


class PlanGenerator:
    """Draws plans from the phrase bank; each plan's random stream is seeded by its slug."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.bank = _phrases()
        self.measures = [
            (v["zh"] + t["zh"], f"{v['en']} {t['en']}", t["zh"])
            for t in self.bank["topics"]
            for v in self.bank["verbs"]
        ]

    def rng(self, slug: str) -> random.Random:
        return random.Random(f"{self.seed}:{slug}")

    def text(self, rng: random.Random, lead: str = "") -> str:
        picked = rng.sample(self.bank["sentences"], rng.randint(1, 3))
        return lead + "".join(picked)

    def plan(
        self,
        slug: str,
        level: str,
        name: str,
        name_en: str,
        parent: SyntheticPlan | None,
        cited: tuple[str, ...],
    ) -> tuple[SyntheticPlan, dict[str, Any]]:
        rng = self.rng(slug)
        fullwidth = rng.random() < 0.5
        bank = self.bank
        scope = {"national": "国", "provincial": "省", "municipal": "市"}[level]
        title = f"{name}“十四五”知识产权保护和运用规划"
        principles = tuple(
            Item(p["zh"], p["en"], self.text(rng))
            for p in rng.sample(bank["principles"], rng.randint(3, 6))
        )
        indicators = []
        for row in rng.sample(bank["indicators"], rng.randint(4, 9)):
            low, high = row["base"]
            base = rng.uniform(low, high)
            target = base * rng.uniform(1.1, 2.5)
            if row["unit"] == "百分比":
                target = min(target, 99.0)
            nature = "约束性" if rng.random() < 0.2 else "预期性"
            indicators.append(
                Indicator(row["zh"], row["en"], row["unit"], _number(base), _number(target), nature)
            )
        inherited = [t for a in parent.areas for t in a.tasks] if parent else []
        free = list(self.measures)
        rng.shuffle(free)
        used: set[str] = set()
        headings: set[str] = set()
        areas = []
        for a_index, area in enumerate(rng.sample(bank["areas"], rng.randint(3, 7)), start=1):
            tasks = []
            for t_index in range(1, rng.randint(1, 5) + 1):
                linked = [t for t in inherited if t.topic not in used]
                implements: str | None = None
                linked = [t for t in linked if not any(t.topic in h for h in headings)]
                if linked and rng.random() < 0.6:
                    up = rng.choice(linked)
                    verb = rng.choice([v for v in bank["verbs"] if not up.zh.startswith(v["zh"])])
                    topic_en = next(t["en"] for t in bank["topics"] if t["zh"] == up.topic)
                    zh, en, topic = verb["zh"] + up.topic, f"{verb['en']} {topic_en}", up.topic
                    implements = up.path
                else:
                    fresh = [m for m in free if m[2] not in used and m[0] not in headings]
                    zh, en, topic = (fresh or [m for m in free if m[0] not in headings])[0]
                used.add(topic)
                headings.add(zh)
                path = f"{slug}/part-2/task-area-{a_index}/task-{t_index}"
                tasks.append(Item(zh, en, self.text(rng), str(t_index), path, implements, topic))
            areas.append(Area(area["zh"], area["en"], to_chinese(a_index), tuple(tasks)))
        parent_projects = {p.zh: p.path for p in parent.projects} if parent else {}
        projects = tuple(
            Item(
                p["zh"],
                p["en"],
                self.text(rng),
                to_chinese(i),
                f"{slug}/part-3/key-project-{i}",
                parent_projects.get(p["zh"]),
            )
            for i, p in enumerate(rng.sample(bank["projects"], rng.randint(3, 8)), start=1)
        )
        first, others = bank["safeguards"][0], bank["safeguards"][1:]
        safeguards = (
            Item(first["zh"], first["en"], bank["leadership"][level]),
            *(
                Item(s["zh"], s["en"], self.text(rng))
                for s in rng.sample(others, rng.randint(1, 3))
            ),
        )
        safeguards = tuple(
            Item(s.zh, s.en, s.text, to_chinese(i)) for i, s in enumerate(safeguards, start=1)
        )
        plan = SyntheticPlan(
            slug,
            level,
            title,
            f"{name_en} 14th Five-Year Plan for Intellectual Property (synthetic)",
            fullwidth,
            parent.slug if parent else None,
            principles,
            tuple(indicators),
            tuple(areas),
            projects,
            safeguards,
        )
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        issuer = {"national": f"{name}办公厅", "provincial": f"{name}人民政府办公厅"}.get(
            level, f"{name}人民政府办公室"
        )
        context = {
            "slug": slug,
            "issuer": issuer,
            "title": title,
            "date_zh": f"2022年{month}月{day}日",
            "number": f"合成{scope}办字〔2022〕{rng.randint(1, 99)}号",
            "addressees": "各有关单位",
            "meeting": f"{scope}政府第{rng.randint(1, 30)}次常务会议",
            "cited": cited,
            "scope": scope,
            "principles": principles,
            "base_year": BASE_YEAR,
            "target_year": TARGET_YEAR,
            "table_title": f"{name}“十四五”知识产权发展主要指标",
            "indicators": indicators,
            "areas": areas,
            "projects": projects,
            "safeguards": safeguards,
        }
        return plan, context


def numbering_style(fullwidth: bool) -> dict[str, str]:
    """The brackets, dot and colon of full-width (（一）１．) or half-width ((一)1.) numbering."""
    if fullwidth:
        return {"open": "（", "close": "）", "dot": "．", "colon": "："}
    return {"open": "(", "close": ")", "dot": ".", "colon": ":"}


__all__ = [
    "BASE_YEAR",
    "TARGET_YEAR",
    "Area",
    "Indicator",
    "Item",
    "PlanGenerator",
    "SyntheticPlan",
    "numbering_style",
]
