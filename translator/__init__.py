"""Segment messages → Freshsales REST calls, and their delivery.

```python
from translator import Client, Settings, translate

settings = Settings(domain="acme", api_key="...")
plan = translate(message, settings)             # pure: the calls, as data
with Client(settings, dead_letter="dead-letter.jsonl") as client:
    report = client.deliver_all(messages)        # delivered, rejected or kept for replay
```
"""

from translator.async_client import AsyncClient
from translator.client import Client, replay
from translator.errors import AuthError, InvalidEvent, SettingsError
from translator.outcome import Outcome, Report
from translator.pacing import RateLimits
from translator.plan import Call, Plan
from translator.settings import Settings
from translator.translate import translate

__all__ = [
    "AsyncClient",
    "AuthError",
    "Call",
    "Client",
    "InvalidEvent",
    "Outcome",
    "Plan",
    "RateLimits",
    "Report",
    "Settings",
    "SettingsError",
    "replay",
    "translate",
]
