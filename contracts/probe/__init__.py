"""Calibrate the fake to a live account: observe each switch of the fake's variants.

```python
from contracts.probe import probe, render

report = probe("https://acme.myfreshworks.com", key, allow_writes=True)
print(render(report))             # fact, observed, fake default, agrees
report.profile()                  # {"upsert_create_status": 200, ...}: a --profile
```

Against a fake (`fake-freshsales serve`) it reports the variants the fake was started with.
"""

from contracts.probe.observation import Observation
from contracts.probe.report import render, write_profile
from contracts.probe.run import ProbeReport, probe
from contracts.probe.session import ProbeError

__all__ = ["Observation", "ProbeError", "ProbeReport", "probe", "render", "write_profile"]
