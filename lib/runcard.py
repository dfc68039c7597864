"""The run card every chapter shows right after it loads its data (introduced in chapter 1).

It says which profile ran, on which data (real or stand-in), with which
TensorFlow/Keras versions, on which device and with which seed. When any data
is not the original, the built page shows a warning admonition, so no reader
mistakes a stand-in result for the real one.
"""

from __future__ import annotations

import html
import platform

from lib.sources import Provenance


def device_description() -> str:
    """The device training runs on, e.g. ``GPU (1 × /physical_device:GPU:0)`` or ``CPU (2 cores)``."""
    import os

    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        return f"GPU ({len(gpus)} × {gpus[0].name})"
    return f"CPU ({os.cpu_count()} cores, {platform.machine()})"


class RunCard:
    """What a chapter ran with; displays as text in a terminal and as HTML in the book."""

    def __init__(self, chapter: str, profile: str, seed: int, provenances: list[Provenance]):
        import keras
        import tensorflow as tf

        self.chapter = chapter
        self.profile = profile
        self.seed = seed
        self.provenances = list(provenances)
        self.versions = f"TensorFlow {tf.__version__}, Keras {keras.__version__}"
        self.device = device_description()

    @property
    def substitutes(self) -> list[Provenance]:
        """The data sources that are not the original data."""
        return [p for p in self.provenances if p.is_substitute]

    def lines(self) -> list[str]:
        rows = [
            f"Run card — {self.chapter}",
            f"  profile : {self.profile}",
            f"  seed    : {self.seed}",
            f"  versions: {self.versions}",
            f"  device  : {self.device}",
        ]
        rows += [f"  data    : {p.summary()}" for p in self.provenances]
        for p in self.substitutes:
            if p.is_real:
                rows.append(
                    f"  NOTE    : {p.dataset} is an offline copy of the real data" + (f" ({p.note})" if p.note else "")
                )
            else:
                rows.append(f"  WARNING : {p.dataset} is a GENERATED STAND-IN; the numbers below are not real results")
        return rows

    def __repr__(self) -> str:
        return "\n".join(self.lines())

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><th style='text-align:left;padding-right:1em'>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
            for k, v in [
                ("profile", self.profile),
                ("seed", str(self.seed)),
                ("versions", self.versions),
                ("device", self.device),
            ]
            + [("data", p.summary()) for p in self.provenances]
        )
        card = (
            f"<div class='bdls-run-card admonition note'><p class='admonition-title'>Run card — "
            f"{html.escape(self.chapter)}</p><table>{rows}</table></div>"
        )
        for p in self.substitutes:
            if p.is_real:
                title, body = (
                    "Offline copy of the data",
                    (
                        f"{p.dataset} came from {p.source}, not from its original source."
                        + (f" Note: {p.note}." if p.note else "")
                    ),
                )
            else:
                title, body = (
                    "Stand-in data: these are not the real results",
                    (
                        f"{p.dataset} is a generated stand-in ({p.source}) because the real data could not be "
                        "reached. Every step runs, but the figures and numbers on this page do not show what the "
                        "real data gives; the text states the reference results."
                        + (f" Note: {p.note}." if p.note else "")
                    ),
                )
            card += (
                f"<div class='bdls-standin-warning admonition warning'><p class='admonition-title'>"
                f"{html.escape(title)}</p><p>{html.escape(body)}</p></div>"
            )
        return card


def show_run_card(chapter: str, profile: str, seed: int, provenances: list[Provenance]) -> RunCard:
    """Build the run card of a chapter; as the last expression of a cell it displays itself."""
    return RunCard(chapter, profile, seed, provenances)
