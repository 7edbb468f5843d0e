"""Noting what a computation reads, key by key: the keys a resource page's model was built from.

A page model is a function of the entries it looks up (a subject's predicate–object pairs, the
subjects of an inverse look-up, a document's facts) and of what every page shares (the code, the
options, the metadata). A ``ReadLog`` notes each look-up's key while a page is built; the
structures the pages read are wrapped (``TrackedMapping``, ``TrackedSet``) so that every look-up
through them is noted. A page whose keys all still have the values they had when it was built
would be built the same (``publish.page_reads``).

A read that is not a look-up by key (iterating or counting a whole structure) is noted as
``ALWAYS``: the page then depends on everything and is built every time. Remembered answers
(``Remembered``) keep the keys their computation read, and a page that reuses one is
noted as having read them too.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Mapping, Set
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
ReadKey = tuple[object, ...]  # (kind, key, ...): "f" a subject's pairs, "i" an inverse look-up…
ALWAYS: ReadKey = ("*",)  # a read of a whole structure


class ReadLog:
    """The keys read since ``current`` was set; ``current`` is None while nothing is noted."""

    def __init__(self) -> None:
        self.current: set[ReadKey] | None = None

    def note(self, key: ReadKey) -> None:
        if self.current is not None:
            self.current.add(key)


_UNSET = object()


class Remembered(Generic[K, V]):
    """Answers remembered by key, for the pages that ask the same questions (labels, paths).

    While ``log`` notes nothing they are remembered plainly, as before any noting; while it
    notes, each with the keys its computation read, and a page that reuses one is noted as
    reading those keys too (an answer remembered plainly is computed again then).
    """

    __slots__ = ("_log", "_noted", "_plain")

    def __init__(self, log: ReadLog) -> None:
        self._log = log
        self._plain: dict[K, V] = {}
        self._noted: dict[K, tuple[V, frozenset[ReadKey]]] = {}

    def get(self, key: K, compute: Callable[..., V], *args: object) -> V:
        """The answer for ``key``: ``compute(*args)`` the first time."""
        log = self._log
        outer = log.current
        if outer is None:
            found = self._plain.get(key, _UNSET)
            if found is _UNSET:
                found = self._plain[key] = compute(*args)
            return found  # type: ignore[return-value]
        entry = self._noted.get(key)
        if entry is not None:
            outer.update(entry[1])
            return entry[0]
        log.current = set()
        try:
            value = compute(*args)
        finally:
            read, log.current = log.current, outer
        outer.update(read)
        self._noted[key] = (value, frozenset(read))
        return value

    def clear(self) -> None:
        self._plain.clear()
        self._noted.clear()


class _TrackedView(Generic[K]):
    """A read-only view of ``data`` that notes ``(kind, key)`` for each look-up by key, and
    ``ALWAYS`` for a read of the whole."""

    __slots__ = ("_data", "_kind", "_log")

    def __init__(self, data: Any, kind: str, log: ReadLog) -> None:
        self._data, self._kind, self._log = data, kind, log

    def __contains__(self, key: object) -> bool:
        self._log.note((self._kind, key))
        return key in self._data

    def __iter__(self) -> Iterator[K]:
        self._log.note(ALWAYS)
        return iter(self._data)

    def __len__(self) -> int:
        self._log.note(ALWAYS)
        return len(self._data)


class TrackedMapping(_TrackedView[K], Mapping[K, V]):
    """A read-only view of the mapping ``data`` (see ``_TrackedView``)."""

    __slots__ = ()

    def __init__(self, data: Mapping[K, V], kind: str, log: ReadLog) -> None:
        super().__init__(data, kind, log)

    def get(self, key: K, default: object = None) -> V | object:  # type: ignore[override]
        self._log.note((self._kind, key))
        return self._data.get(key, default)  # type: ignore[no-any-return]

    def __getitem__(self, key: K) -> V:
        self._log.note((self._kind, key))
        return self._data[key]  # type: ignore[no-any-return]


class TrackedSet(_TrackedView[K], Set[K]):
    """A read-only view of the set ``data`` (see ``_TrackedView``)."""

    __slots__ = ()

    def __init__(self, data: Set[K], kind: str, log: ReadLog) -> None:
        super().__init__(data, kind, log)


__all__ = ["ALWAYS", "ReadKey", "ReadLog", "Remembered", "TrackedMapping", "TrackedSet"]
