"""Profile selection (lib.profiles)."""

from __future__ import annotations

import pytest

from lib import profiles

TABLE = {
    "full": {"epochs": 20, "samples": None},
    "cpu": {"epochs": 5, "samples": 10000},
    "smoke": {"epochs": 1, "samples": 100},
}


@pytest.mark.parametrize("name", profiles.PROFILES)
def test_environment_selects_profile(monkeypatch, name):
    monkeypatch.setenv("BDLS_PROFILE", name)
    assert profiles.current_profile() == name
    config = profiles.settings(TABLE)
    assert config.profile == name
    assert config.epochs == TABLE[name]["epochs"]


def test_default_depends_on_gpu(monkeypatch):
    monkeypatch.delenv("BDLS_PROFILE", raising=False)
    monkeypatch.setattr(profiles, "gpu_available", lambda: True)
    assert profiles.current_profile() == "full"
    monkeypatch.setattr(profiles, "gpu_available", lambda: False)
    assert profiles.current_profile() == "cpu"


def test_unknown_profile_names_the_allowed_ones(monkeypatch):
    monkeypatch.setenv("BDLS_PROFILE", "turbo")
    with pytest.raises(ValueError, match="full, cpu, smoke"):
        profiles.current_profile()


def test_table_must_cover_all_profiles_with_same_keys():
    with pytest.raises(ValueError, match="lacks smoke"):
        profiles.settings({"full": {"a": 1}, "cpu": {"a": 1}}, profile="cpu")
    with pytest.raises(ValueError, match="expected"):
        profiles.settings({"full": {"a": 1}, "cpu": {"a": 1}, "smoke": {"b": 1}}, profile="cpu")
    with pytest.raises(ValueError, match="reserved"):
        profiles.settings({p: {"profile": 1} for p in profiles.PROFILES}, profile="cpu")


def test_chapter_start_seeds_and_returns_the_profile_row():
    import numpy as np

    from lib import chapter

    table = {name: {"epochs": epochs} for name, epochs in (("full", 20), ("cpu", 5), ("smoke", 1))}
    config = chapter.start(table, seed=3, profile="cpu")
    first = np.random.random()
    assert (config.epochs, config.profile, config.seed) == (5, "cpu", 3)
    chapter.start(table, seed=3, profile="cpu")
    assert np.random.random() == first, "start() reseeds NumPy"


def test_exercise_seed_is_the_default_unless_the_grader_sets_one(monkeypatch):
    from lib.seeding import exercise_seed

    monkeypatch.delenv("GRADING_SEED", raising=False)
    assert exercise_seed(42) == 42
    monkeypatch.setenv("GRADING_SEED", "2718281828")
    assert exercise_seed(42) == 2718281828
    monkeypatch.setenv("GRADING_SEED", "lucky")
    with pytest.raises(ValueError, match="GRADING_SEED"):
        exercise_seed()
