"""A stateful fake of the Freshsales (Freshworks CRM) REST API, for tests and local runs.

```python
from fake_freshsales import FakeFreshsales

with FakeFreshsales() as fake:          # waitress on 127.0.0.1, a free port
    print(fake.url, fake.domain)        # the key is fake.api_key
    fake.admin.state()["contacts"]      # the admin API, as AdminClient(fake.url) would call it
    fake.admin.tracking()["events"]     # what /track/... took with fake.app_token, by identifier
    fake.admin.set_bulk(job_seconds=0)  # bulk jobs run as soon as they are queued

# The facts the evidence leaves open are switches (fake_freshsales.models.variants).
with FakeFreshsales(variants={"upsert_create_status": 201, "reset_unit": "epoch"}) as fake:
    fake.admin.set_variants({"owner_required": False})
```
"""

from __future__ import annotations

from .admin_client import AdminClient, AdminError
from .app import create_app
from .config import AccountConfig, CustomFieldSpec, FakeConfig, FaultConfig, Limits, StatusCodes
from .server import FakeFreshsales

__all__ = [
    "AccountConfig",
    "AdminClient",
    "AdminError",
    "CustomFieldSpec",
    "FakeConfig",
    "FakeFreshsales",
    "FaultConfig",
    "Limits",
    "StatusCodes",
    "create_app",
]
