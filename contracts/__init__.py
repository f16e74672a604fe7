"""Recorded Freshsales API contracts, checked from both sides.

```python
from contracts import verify_consumer, verify_provider

failed = [r for r in verify_provider() + verify_consumer() if r.failed]
```

`interactions/` holds what Freshsales answers to each request the translator makes (checked
against the fake, or a live server); `translations/` what the translator must make of each
Segment message; `schemas/` the JSON Schemas of both file formats and of the request and
response envelopes. `ConformanceTransport` checks a client's requests against the interactions.
Each interaction names its evidence and the grade of its weakest fact (`confidence_counts`),
and the switches of the fake it holds under, if any.
"""

from contracts.conformance import ConformanceTransport, Miss
from contracts.consumer import verify_consumer
from contracts.errors import ContractError
from contracts.matching import Difference
from contracts.model import Interaction, TranslationCase, load_interactions, load_translations
from contracts.provider import verify_live, verify_provider
from contracts.record import record
from contracts.report import Result, confidence_counts
from contracts.scenarios import SCENARIOS

__all__ = [
    "SCENARIOS",
    "ConformanceTransport",
    "ContractError",
    "Difference",
    "Interaction",
    "Miss",
    "Result",
    "TranslationCase",
    "confidence_counts",
    "load_interactions",
    "load_translations",
    "record",
    "verify_consumer",
    "verify_live",
    "verify_provider",
]
