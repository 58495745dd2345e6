"""specimg: spectrogram images back to sound, and what the picture cost.

The core is a set of small pure functions on numpy arrays, grouped by concern:

- :mod:`specimg.core`: audio (load, segment, write) and spectra (STFT, the dB maps).
- :mod:`specimg.image`: what a picture carries, how it is written, drawn and decoded.
- :mod:`specimg.phase`: phase reconstruction, every method behind one call.
- :mod:`specimg.study`: quality measures, the study's tables, plots and report.
- :mod:`specimg.util`: errors, atomic writes, worker pools.
- :mod:`specimg.inversion`: a picture to audio in one call; :mod:`specimg.encoding`: audio to
  pictures (:mod:`specimg.image.formats` for image models' sizes); :mod:`specimg.cli`: the
  command.
"""

__version__ = "0.1.0"
