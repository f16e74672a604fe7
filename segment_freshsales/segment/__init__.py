"""Segment's own wire formats: batch bodies, size limits and receipt stamps, shared by the
command line (files) and the relay (HTTP)."""

from segment_freshsales.segment.tracking_api import (
    MAX_BATCH_BYTES,
    MAX_MESSAGE_BYTES,
    MAX_NESTING,
    BodyError,
    loads,
    message_size,
    stamped,
    unpack_batch,
)

__all__ = [
    "MAX_BATCH_BYTES",
    "MAX_MESSAGE_BYTES",
    "MAX_NESTING",
    "BodyError",
    "loads",
    "message_size",
    "stamped",
    "unpack_batch",
]
