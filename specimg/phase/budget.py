"""How many iterations a picture gets when its user does not say: one budget of FFT work.

The iterative methods keep improving the sound long after 100 iterations: on 10 s png16
pictures up to 1000 (-34.7 dB SC at 100, -39.0 at 800, -39.3 at 1000;
``benchmarks/short_iterations.py``), on the user's dense 60 s JPEG up to about 800 (-29.5 at
100, -31.8 at 300, -33.7 at 800, -33.6 at 1000; ``benchmarks/dense_iterations.py``). An
iteration costs about the same per FFT point whatever the picture, so a picture gets the
iterations that one budget of FFT points buys, sized so that the dense 60 s picture is inverted
within 10 s on 2 cores: at librosa's ``n_fft`` 2048 and ``hop_length`` 512, 300 for 60 s
(about 9 s with reading and decoding on the 2-core machine of those benchmarks), 650 for 30 s,
the cap of 1000 for 20 s or less. Mel pictures get 100 whatever their size: there the bands,
not the phase, bound the sound (``mel_gla`` gains 0.2 dB from 100 to 300 iterations on
audio-diffusion pictures; ``benchmarks/mel_phase.py``). The count depends on the picture's
STFT only, never on the machine or a clock, so the same picture gives the same audio anywhere;
a faster machine may afford more (``--n-iter``). Pictures whose frames are narrower than a pixel
get 100 too: what they lost bounds the sound, and 300 iterations gain 0.03 to 0.05 dB over 100
on the user's 60 s drawn at dpi 100 or shrunk to 512 px (``benchmarks/user_pictures.py``).
"""

from __future__ import annotations

from ..core.spectrum import StftConfig

__all__ = ["ITERATION_BUDGET", "MAX_DEFAULT_ITER", "MEL_DEFAULT_ITER", "MIN_DEFAULT_ITER",
           "default_n_iter"]

#: FFT points (frames x ``n_fft`` x iterations) one picture's iterations may spend.
ITERATION_BUDGET = 1.8e9
#: The fewest and most iterations :func:`default_n_iter` gives.
MIN_DEFAULT_ITER, MAX_DEFAULT_ITER = 100, 1000
#: Iterations of every mel picture.
MEL_DEFAULT_ITER = 100
#: Counts are rounded down to a multiple of this.
_ROUNDING = 50


def default_n_iter(config: StftConfig, n_frames: int, y_axis: str = "hz",
                   pixels_per_frame: float | None = None) -> int:
    """Iterations for a spectrogram of ``n_frames`` frames of ``config`` when none are given.

    Parameters
    ----------
    config : StftConfig
        The picture's STFT (its ``n_fft``, samples, sets the cost of a frame).
    n_frames : int > 0
        Frames of the picture.
    y_axis : {"hz", "log", "mel"}
        The picture's frequency axis.
    pixels_per_frame : float, optional
        The picture's (or its plot area's) width over ``n_frames`` (px); None: not known.

    Returns
    -------
    int
        :data:`MEL_DEFAULT_ITER` for a mel picture, :data:`MIN_DEFAULT_ITER` for one under a
        pixel per frame; else ``ITERATION_BUDGET / (n_frames * n_fft)`` rounded down to a
        multiple of 50, clipped to ``[MIN_DEFAULT_ITER, MAX_DEFAULT_ITER]``.

    Examples
    --------
    >>> from specimg.core.spectrum import StftConfig
    >>> config = StftConfig(sr=22050, n_fft=2048, hop_length=512)
    >>> default_n_iter(config, config.n_frames(60 * 22050))
    300
    >>> default_n_iter(config, config.n_frames(10 * 22050))
    1000
    >>> default_n_iter(config, config.n_frames(10 * 22050), y_axis="mel")
    100
    >>> default_n_iter(config, config.n_frames(60 * 22050), pixels_per_frame=2000 / 2584)
    100
    """
    if n_frames < 1:
        raise ValueError(f"n_frames={n_frames} must be positive")
    if y_axis == "mel":
        return MEL_DEFAULT_ITER
    if pixels_per_frame is not None and pixels_per_frame < 1:
        return MIN_DEFAULT_ITER
    affordable = int(ITERATION_BUDGET // (n_frames * config.n_fft)) // _ROUNDING * _ROUNDING
    return min(MAX_DEFAULT_ITER, max(MIN_DEFAULT_ITER, affordable))
