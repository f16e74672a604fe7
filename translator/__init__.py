"""Segment messages → Freshsales REST calls, as data: the pure core of segment-freshsales.

```python
from translator import Settings, translate

settings = Settings(domain="acme", api_key="...")
plan = translate({"type": "identify", "userId": "ada@example.com"}, settings)
plan.calls[0].path                              # "/lookup": the lead is found first
```

Nothing here does I/O, not even on import: delivering a plan is `segment_freshsales`' job.
`translator.fields` holds the field tables; `translator.strategies` (it needs Hypothesis) the
generators of Segment messages for property tests.
"""

from translator import fields
from translator.errors import InvalidEvent, SettingsError
from translator.event_map import EventRule
from translator.plan import Call, Dropped, Plan
from translator.settings import Settings
from translator.translate import MESSAGE_TYPES, translate

__all__ = [
    "MESSAGE_TYPES",
    "Call",
    "Dropped",
    "EventRule",
    "InvalidEvent",
    "Plan",
    "Settings",
    "SettingsError",
    "fields",
    "translate",
]
