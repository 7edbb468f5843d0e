"""HTTP content negotiation: pick the best offered media type for an ``Accept`` header."""

from __future__ import annotations


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """The media ranges of an ``Accept`` header with their q-values, malformed parts dropped.

    >>> parse_accept("text/turtle;q=0.9, text/html")
    [('text/turtle', 0.9), ('text/html', 1.0)]
    """
    if not header or not header.strip():
        return [("*/*", 1.0)]
    ranges: list[tuple[str, float]] = []
    for part in header.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        media = media.lower()
        if media.count("/") != 1:
            continue
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        ranges.append((media, quality))
    return ranges


def _specificity(media_range: str, offer: str) -> int | None:
    """How precisely ``media_range`` matches ``offer`` (2 exact, 1 type/*, 0 */*), or None."""
    if media_range == offer:
        return 2
    main, _, sub = media_range.partition("/")
    if sub == "*" and (main == "*" or offer.startswith(main + "/")):
        return 0 if main == "*" else 1
    return None


def negotiate(header: str | None, offers: list[str]) -> str | None:
    """The offer the client prefers most (ties go to the earlier offer), or None if none fits.

    Each offer takes the q-value of the most specific range matching it, as RFC 9110 says.

    >>> negotiate("application/ld+json, text/*;q=0.5", ["text/html", "application/ld+json"])
    'application/ld+json'
    >>> negotiate("image/png", ["text/html"]) is None
    True
    """
    ranges = parse_accept(header)
    best: tuple[float, int] | None = None
    chosen: str | None = None
    for position, offer in enumerate(offers):
        matches = [(s, q) for r, q in ranges if (s := _specificity(r, offer)) is not None]
        if not matches:
            continue
        quality = max(matches)[1]
        if quality <= 0:
            continue
        if best is None or (quality, -position) > best:
            best, chosen = (quality, -position), offer
    return chosen


__all__ = ["negotiate", "parse_accept"]
