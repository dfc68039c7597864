"""Shared helpers of *Building Deep Learning Systems (with Python)*.

Modules, one job each (see ``CONTRIBUTING.md`` §3):

* :mod:`lib.data`      – every dataset, verified or with an honest offline fallback
* :mod:`lib.sources`   – the cache, checksums, offline mode and provenance under it
* :mod:`lib.standins`  – generated stand-ins in the real formats
* :mod:`lib.profiles`  – the ``full`` / ``cpu`` / ``smoke`` compute profiles
* :mod:`lib.chapter`   – the one set-up call of a chapter (seed + profile settings)
* :mod:`lib.seeding`   – seeding Python, NumPy and Keras
* :mod:`lib.runcard`   – the run card at the start of every chapter
* :mod:`lib.plots`     – every figure: learning curves, image grids, filters and feature maps
* :mod:`lib.text`      – decoding and multi-hot encoding of word-index sequences
* :mod:`lib.batching`  – large arrays fed to Keras batch by batch (memory)
* :mod:`lib.evaluation` – best epoch from a History, smoothing of validation curves
* :mod:`lib.vision`    – convolution and pooling by hand, output sizes, feature maps
* :mod:`lib.freezing`  – counting and freezing layers by name (transfer learning)
* :mod:`lib.checks`    – reference computations of the exercises' hidden tests (reloaded per test cell)
"""

__version__ = "0.1.0"
