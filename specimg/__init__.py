"""specimg: spectrogram images back to sound, and what the picture cost.

The everyday calls are at the top (:mod:`specimg.api`), in librosa's style::

    y, sr = specimg.invert("picture.jpg", duration=60)    # a picture file to audio
    y = specimg.reconstruct(S, hop_length=512)             # magnitudes (bins x frames) to audio
    picture = specimg.encode(y, sr)                        # audio to a picture with its parameters

``import specimg`` alone loads nothing heavy (the ``specimg`` command starts with it): numpy,
librosa and the rest load when one of these is first used.

The core is a set of small pure functions on numpy arrays, grouped by concern:

- :mod:`specimg.core`: audio (load, segment, write) and spectra (STFT, the dB maps).
- :mod:`specimg.image`: what a picture carries, how it is written, drawn and decoded.
- :mod:`specimg.phase`: phase reconstruction, every method behind one call.
- :mod:`specimg.study`: quality measures, the study's tables, plots and report.
- :mod:`specimg.util`: errors, atomic writes, worker pools.
- :mod:`specimg.inversion`: a picture to audio in one call; :mod:`specimg.encoding`: audio to
  pictures (:mod:`specimg.image.formats` for image models' sizes); :mod:`specimg.foreign`: the
  parameters of pictures without metadata; :mod:`specimg.cli`: the command;
  :mod:`specimg.pipeline`: the study's stages.
"""

import importlib

__version__ = "0.1.0"
__all__ = ["__version__", "encode", "invert", "reconstruct"]

_API = ("encode", "invert", "reconstruct")


def __getattr__(name: str):
    """:mod:`specimg.api`'s functions, imported on first use (PEP 562). By name, not by an
    import statement: the study's stages import this package and never load the API, so
    ``tests/test_stage_deps.py`` (which follows import statements) rightly leaves it out of
    their dependencies."""
    if name in _API:
        value = getattr(importlib.import_module(f"{__name__}.api"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_API})
