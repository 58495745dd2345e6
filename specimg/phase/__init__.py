"""Phase reconstruction: from a magnitude spectrogram back to a signal.

:func:`reconstruct` runs every method (:data:`METHODS`) behind one call; the methods themselves
live beside it: :mod:`.transform` (the threaded STFT pair), :mod:`.gla` (Griffin-Lim and its
accelerations), :mod:`.pghi`, :mod:`.projections` (ADMM, RAAR), and :mod:`.options` (the typed
options a user chooses).
"""

from .methods import DEFAULT_METHOD, FIXED_AUTO_ITER, METHODS, RAAR_SHARE, parse_n_iter, reconstruct

__all__ = ["DEFAULT_METHOD", "FIXED_AUTO_ITER", "METHODS", "RAAR_SHARE", "parse_n_iter",
           "reconstruct"]
