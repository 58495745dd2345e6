"""specimg: spectrogram images back to sound, and what the picture cost.

The core is a set of small pure functions on numpy arrays:

- :mod:`specimg.audio`: load, segment and write audio.
- :mod:`specimg.spectrum`: STFT, inverse STFT and the dB maps.
- :mod:`specimg.image`: spectrogram images (PNG, JPEG, specshow renderings) and their metadata.
- :mod:`specimg.colormap`: colormap inversion for pictures drawn with matplotlib.
- :mod:`specimg.phase`: phase reconstruction.
- :mod:`specimg.metrics`: quality measures.
- :mod:`specimg.fileio`: atomic file writes.
"""

__version__ = "0.1.0"
