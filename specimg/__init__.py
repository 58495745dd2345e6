"""specimg: spectrogram images back to sound, and what the picture cost.

The core is a set of small pure functions on numpy arrays:

- :mod:`specimg.audio`: load, segment and write audio.
- :mod:`specimg.spectrum`: STFT, inverse STFT and the dB maps.
- :mod:`specimg.metadata`: the parameters a picture carries (:class:`ImageMeta`).
- :mod:`specimg.codec`: spectrogram images as PNG/JPEG files; decoding any picture to levels.
- :mod:`specimg.drawing`: pictures drawn by ``librosa.display.specshow``, and their geometry.
- :mod:`specimg.raster`: a picture's pixels reduced to its STFT cells, in strips.
- :mod:`specimg.colormap`: colormap inversion for pictures drawn with matplotlib.
- :mod:`specimg.phase`: phase reconstruction, every method behind one call.
- :mod:`specimg.transform`, :mod:`specimg.gla`, :mod:`specimg.pghi`,
  :mod:`specimg.projections`: the STFT pair and the methods themselves.
- :mod:`specimg.metrics`: quality measures.
- :mod:`specimg.fileio`: atomic file writes.
"""

__version__ = "0.1.0"
