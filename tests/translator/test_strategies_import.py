"""translator.strategies says clearly what is missing when Hypothesis is not installed."""

import importlib
import sys

import pytest


def test_clear_import_error_without_hypothesis(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "hypothesis", None)
    monkeypatch.delitem(sys.modules, "translator.strategies", raising=False)
    with pytest.raises(ImportError, match=r"translator.strategies needs Hypothesis: pip install"):
        importlib.import_module("translator.strategies")
