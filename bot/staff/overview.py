"""The overview page's figures and charts (leads per day; by field, city, Japanese level; top topics)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from bot.models import Lead, TopicAsked, utcnow
from bot.repository import Repository

Counts = list[tuple[str, int]]


@dataclass(frozen=True)
class Overview:
    """Counts for the overview page."""

    total_leads: int
    per_day: Counts
    by_field: Counts
    by_city: Counts
    by_japanese_level: Counts
    by_status: Counts
    top_topics: Counts


async def load_overview(repository: Repository, days: int = 30) -> Overview:
    """Aggregate counts over all leads (and anonymous topic counts of all users)."""
    since = utcnow() - timedelta(days=days)

    async def grouped(session: Any, column: Any, limit: int = 10) -> Counts:
        rows = await session.execute(
            select(column, func.count()).group_by(column).order_by(func.count().desc()).limit(limit)
        )
        return [(str(key), int(count)) for key, count in rows]

    async with repository.session() as session:
        total = int(await session.scalar(select(func.count(Lead.id))) or 0)
        day = func.date(Lead.created_at)
        per_day_rows = await session.execute(
            select(day, func.count()).where(Lead.created_at >= since).group_by(day).order_by(day)
        )
        per_day = [(str(key), int(count)) for key, count in per_day_rows]
        return Overview(
            total_leads=total,
            per_day=per_day,
            by_field=await grouped(session, Lead.field),
            by_city=await grouped(session, Lead.city),
            by_japanese_level=await grouped(session, Lead.japanese_level),
            by_status=await grouped(session, Lead.status),
            top_topics=await grouped(session, TopicAsked.topic, limit=12),
        )


def _label(value: str) -> str:
    """A label as drawn: printable characters only, at most 40 of them."""
    text = "".join(ch if ch.isprintable() else "\ufffd" for ch in value)
    return text if len(text) <= 40 else text[:39] + "…"


def bar_chart_svg(title: str, counts: Counts) -> str:
    """A small horizontal bar chart as inline SVG (drawn here; the page loads nothing from outside)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    # Labels are stored values (a city typed by a user): never parsed as mathtext ($…$), and drawn
    # positionally so that two labels that look alike are still two bars.
    with matplotlib.rc_context({"text.parse_math": False, "text.usetex": False, "svg.hashsalt": "overview"}):
        figure, axis = plt.subplots(figsize=(5, 0.35 * max(len(counts), 3) + 0.8))
        try:
            labels = [_label(label) for label, _ in counts][::-1]
            values = [value for _, value in counts][::-1]
            positions = list(range(len(labels)))
            axis.barh(positions, values, color="#206bc4")
            axis.set_yticks(positions, labels)
            axis.set_title(title, fontsize=11)
            axis.spines[["top", "right"]].set_visible(False)
            axis.xaxis.set_major_locator(MaxNLocator(integer=True))
            figure.tight_layout()
            buffer = io.StringIO()
            figure.savefig(buffer, format="svg")
        finally:
            plt.close(figure)
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]
