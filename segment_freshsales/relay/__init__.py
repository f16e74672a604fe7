"""The relay: a self-hosted Segment destination that queues messages durably and delivers them.

`segment-freshsales serve` runs it. Segment's Tracking API (`POST /v1/batch`, `/v1/identify`,
...) and Webhooks deliveries (`POST /webhook`) come in; each accepted message is committed to
a SQLite queue before the answer, and a background worker delivers it with `Client`.
Modules: `auth`, `queue`, `worker`, `app` (Flask), `server` (waitress); the body shapes and
limits are Segment's own, in `segment_freshsales.segment`.
"""

__all__: list[str] = []
