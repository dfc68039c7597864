"""lib.chapter.glue: a run's numbers handed to the page's text (MyST-NB glue), safe without MyST-NB."""

from __future__ import annotations

import sys
import types

import numpy as np

from lib import chapter


def test_glue_stores_plain_numbers_without_display(monkeypatch):
    calls = []
    fake = types.ModuleType("myst_nb")
    fake.glue = lambda name, value, display=True: calls.append((name, value, display))
    monkeypatch.setitem(sys.modules, "myst_nb", fake)
    chapter.glue("accuracy", np.float32(0.5))
    chapter.glue("count", 4000)
    assert calls == [("accuracy", 0.5, False), ("count", 4000, False)]
    assert type(calls[0][1]) is float, "NumPy scalars become Python numbers, so {glue:text}`accuracy:.3f` works"


def test_glue_is_a_no_op_without_myst_nb(monkeypatch):
    monkeypatch.setitem(sys.modules, "myst_nb", None)  # import fails, as on Colab
    assert chapter.glue("accuracy", 0.5) is None


def test_glued_value_formats_like_the_page_formats_it():
    """What MyST-NB's {glue:text} does with the stored text/plain: a NumPy scalar's repr would not format."""
    from myst_nb.core.variables import format_plain_text

    value = np.float64(0.84)
    plain = repr(value.item())
    assert format_plain_text(plain, ".3f") == "0.840"
    assert format_plain_text(repr(4000), ",d") == "4,000"
