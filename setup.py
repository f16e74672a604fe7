"""setuptools' script: the distribution is declared in pyproject.toml; this adds the compiled
translator's extensions when SEGMENT_FRESHSALES_COMPILE=1 (build_backend/backend.py).

`make compile` runs `python setup.py build_ext --inplace` with the switch on, which puts the
extensions beside the translator's sources.
"""

import sys
from pathlib import Path

from setuptools import setup

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "build_backend"))

from backend import compiled_extensions  # noqa: E402  (the path above is set first)

setup(ext_modules=compiled_extensions(ROOT))
