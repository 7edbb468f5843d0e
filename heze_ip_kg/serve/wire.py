"""Frames between the server and its query workers, over one Unix socket per worker.

A frame is a kind byte, a 4-byte big-endian length and that many bytes. The server sends one
``QUERY`` frame (JSON); the worker answers with ``DATA`` frames (the body, in pieces) and one
``END`` frame (JSON: ``status``, ``content_type``, ``truncated``, ``rows``), so the body can be
written as it is produced and the status decided at the end; a ``RESET`` frame drops the body
sent so far (a query that failed while its answer was being written).
"""

from __future__ import annotations

import json
import struct
from typing import Any

QUERY, DATA, RESET, END = b"Q", b"D", b"R", b"E"
HEADER = struct.Struct(">cI")
CHUNK_BYTES = 64 * 1024


def frame(kind: bytes, payload: bytes) -> bytes:
    """One frame holding ``payload``."""
    return HEADER.pack(kind, len(payload)) + payload


def json_frame(kind: bytes, message: dict[str, Any]) -> bytes:
    """One frame holding ``message`` as JSON."""
    return frame(kind, json.dumps(message).encode("utf-8"))


__all__ = ["CHUNK_BYTES", "DATA", "END", "HEADER", "QUERY", "RESET", "frame", "json_frame"]
