"""segment-freshsales: Segment messages delivered to Freshsales, with nothing lost.

```python
from segment_freshsales import Client
from translator import Settings

settings = Settings(domain="acme", api_key="...")
with Client(settings, dead_letter="dead-letter.jsonl") as client:
    report = client.deliver_all(messages)       # delivered, rejected or kept for replay
```

`translator` turns a message into a plan of calls; this package runs them: `delivery` (the
engine, `Client`, `AsyncClient`, replay), `segment` (Segment's wire formats), `cli` (the
`segment-freshsales` command) and `relay` (the self-hosted destination).
"""

from segment_freshsales.delivery import (
    AsyncClient,
    AuthError,
    Client,
    Outcome,
    RateLimits,
    Report,
    replay,
)

__all__ = ["AsyncClient", "AuthError", "Client", "Outcome", "RateLimits", "Report", "replay"]
