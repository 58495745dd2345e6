"""The everyday calls, one import away: ``specimg.invert``, ``specimg.reconstruct``,
``specimg.encode``.

:func:`invert` turns a picture file into audio as ``specimg invert`` does (the same rules, in
:mod:`specimg.foreign`); :func:`reconstruct` rebuilds a signal from a magnitude array, in
``librosa.griffinlim``'s layout; :func:`encode` makes a picture that carries its parameters.
"""

from __future__ import annotations

import os

import numpy as np

from .core.spectrum import StftConfig
from .encoding import audio_to_image
from .foreign import ForeignParams, invert_picture
from .image.card import Card, read_card
from .image.codec import MAX_PIXELS
from .image.formats import PictureFormat
from .phase import DEFAULT_METHOD
from .phase import reconstruct as reconstruct_phase

__all__ = ["encode", "invert", "reconstruct"]


def invert(
    image: str | os.PathLike | bytes,
    *,
    duration: float | None = None,
    frames: int | None = None,
    sr: int | None = None,
    n_fft: int | None = None,
    hop_length: int | None = None,
    top_db: float | None = None,
    cmap: str | None = None,
    y_axis: str | None = None,
    n_mels: int | None = None,
    fmin: float | None = None,
    fmax: float | None = None,
    layout: str | None = None,
    low_row: str | None = None,
    peak_db: float | None = None,
    card: str | os.PathLike | Card | None = None,
    preset: str | None = None,
    method: str | None = None,
    n_iter: int | str | None = None,
    seed: int = 0,
    floor_silence: bool = True,
    max_pixels: int = MAX_PIXELS,
    workers: int = -1,
) -> tuple[np.ndarray, int]:
    """Turn a spectrogram picture into audio, as ``specimg invert`` does.

    A picture made by specimg carries its parameters, and the keyword arguments about the
    picture are then not used. For any other picture they say what it is: each one left out
    takes librosa's default (sr 22050 Hz, n_fft 2048, hop 512, top_db 80, specshow's gray
    drawing of a linear axis), or ``card``'s or ``preset``'s value.

    Parameters
    ----------
    image : str, path-like or bytes
        The picture file (PNG or JPEG), or its bytes.
    duration : float > 0, optional
        Seconds of audio in the picture.
    frames : int > 0, optional
        STFT frames in the picture. With neither ``frames`` nor ``duration`` they are counted
        from the picture's cell edges (within one hop of the original length).
    sr : int > 0, optional
        Sample rate (Hz).
    n_fft, hop_length : int > 0, optional
        FFT size and hop (samples).
    top_db : float > 0, optional
        dB range from black to white.
    cmap : str, optional
        The matplotlib colour map the picture was drawn with.
    y_axis : {"hz", "mel", "log"}, optional
        specshow's ``y_axis``; mel pictures are dB of mel power.
    n_mels : int > 0, optional
        Mel bands of a mel picture.
    fmin, fmax : float, optional
        Lowest and highest mel frequency (Hz; ``fmax`` None: ``sr / 2``).
    layout : {"specshow", "grid"}, optional
        Drawn by ``librosa.display.specshow``, or one uniform row per band.
    low_row : {"bottom", "top"}, optional
        Where the lowest band is.
    peak_db : float, optional
        Level of the brightest pixel (dB re amplitude 1.0). None: unknown for a picture
        without metadata, and the audio is normalised to a peak of -1 dBFS.
    card : str, path-like or Card, optional
        The ``specimg-card.json`` that ``specimg encode`` wrote beside a model's training
        pictures: every parameter but the loudness (nothing else but ``peak_db`` with it).
    preset : {"riffusion", "audio-diffusion"}, optional
        A known format's parameters: one frame a column, one band a row.
    method : str, optional
        Phase method (:data:`specimg.phase.METHODS`); None: ``mel_gla`` for mel pictures,
        :data:`specimg.phase.DEFAULT_METHOD` for the others.
    n_iter : int > 0, "auto" or None
        Phase iterations; ``"auto"`` stops when they stop improving; None: as many as a fixed
        amount of FFT work buys (:func:`specimg.phase.budget.default_n_iter`: 300 for 60 s at
        n_fft 2048, 1000 for short pictures).
    seed : int
        Seed of every random phase (the same seed, the same audio).
    floor_silence : bool
        Decode pixels at the dB floor as silence (raises speech PESQ by about 1).
    max_pixels : int > 0
        Refuse pictures decoding to more pixels (decompression bombs).
    workers : int
        Threads of the phase step, -1 for every core.

    Returns
    -------
    y : np.ndarray, float32, shape ``(n_samples,)``
        The audio, full scale 1.0.
    sr : int
        Its sample rate (Hz).

    Raises
    ------
    InputError
        If the picture cannot be read, or carries no metadata and its length cannot be known
        (give ``duration`` or ``frames``).
    ValueError
        If ``card`` comes with other parameters of the picture, or an option is not usable.

    See Also
    --------
    reconstruct : the phase step alone, for a magnitude array.
    specimg.inversion.invert_image : the same, with the picture's parameters given whole.

    Examples
    --------
    A picture specimg made, from a file, and the same tone drawn elsewhere (a gray PNG, one
    row per bin, no metadata), given its duration:

    >>> import os, tempfile
    >>> import numpy as np
    >>> import librosa
    >>> from PIL import Image
    >>> import specimg
    >>> y = librosa.tone(440, sr=22050, duration=1.0)
    >>> folder = tempfile.mkdtemp()
    >>> path = os.path.join(folder, "tone.png")
    >>> with open(path, "wb") as file:
    ...     _ = file.write(specimg.encode(y, 22050))
    >>> y_hat, sr = specimg.invert(path, n_iter=10)
    >>> y_hat.shape, y_hat.dtype, sr
    ((22050,), dtype('float32'), 22050)
    >>> db = librosa.amplitude_to_db(np.abs(librosa.stft(y)), ref=np.max, top_db=80)
    >>> pixels = np.round((db + 80) * 255 / 80).astype(np.uint8)[::-1]
    >>> Image.fromarray(pixels).save(os.path.join(folder, "drawn.png"))
    >>> y_hat, sr = specimg.invert(os.path.join(folder, "drawn.png"), duration=1.0,
    ...                            layout="grid", n_iter=10)
    >>> y_hat.shape, sr
    ((22050,), 22050)
    """
    given = {"duration": duration, "frames": frames, "sr": sr, "n_fft": n_fft,
             "hop_length": hop_length, "top_db": top_db, "cmap": cmap, "y_axis": y_axis,
             "n_mels": n_mels, "fmin": fmin, "fmax": fmax, "layout": layout,
             "low_row": low_row, "peak_db": peak_db, "card": card, "preset": preset}
    foreign = ForeignParams(**given)
    foreign.check()
    extra = foreign.beside_card()
    if extra:
        raise ValueError(f"card={card!r} gives the parameters of pictures without metadata; "
                         f"leave out {', '.join(extra)}")
    if card is not None and not isinstance(card, Card):
        foreign = ForeignParams(**{**given, "card": read_card(card)})
    if isinstance(image, bytes):
        data, source = image, "<image>"
    else:
        with open(image, "rb") as file:
            data, source = file.read(), image
    result, _ = invert_picture(data, source, foreign, method=method, n_iter=n_iter, seed=seed,
                               floor_silence=floor_silence, max_pixels=max_pixels,
                               workers=workers)
    return result.y, result.meta.sr


def reconstruct(
    S: np.ndarray,
    *,
    sr: int = 22050,
    n_fft: int | None = None,
    hop_length: int | None = None,
    win_length: int | None = None,
    window: str = "hann",
    center: bool = True,
    length: int | None = None,
    method: str = DEFAULT_METHOD,
    n_iter: int | str = 100,
    momentum: float = 0.99,
    seed: int = 0,
    workers: int = -1,
) -> np.ndarray:
    """A signal whose STFT magnitude is ``S``: the phase rebuilt (``librosa.griffinlim``'s
    call, with specimg's methods).

    Parameters
    ----------
    S : np.ndarray, shape ``(1 + n_fft // 2, n_frames)``
        STFT magnitudes (amplitude, not dB or power), bins by frames as ``librosa.stft``
        gives them.
    sr : int > 0
        Sample rate (Hz); the methods do not depend on it.
    n_fft : int > 0, optional
        FFT size (samples); None: ``2 * (S.shape[0] - 1)``.
    hop_length : int > 0, optional
        Hop (samples); None: ``win_length // 4``.
    win_length : int > 0, optional
        Window length (samples), at most ``n_fft``; None: ``n_fft``.
    window : str
        Window name (``scipy.signal.get_window``).
    center : bool
        Frames centred on their time stamps (librosa's default).
    length : int > 0, optional
        Output length (samples); None: ``hop_length * (n_frames - 1)``, as ``librosa.istft``.
    method : str
        One of :data:`specimg.phase.METHODS` but ``oracle`` and ``mel_gla``
        (:func:`specimg.phase.reconstruct` takes their extra inputs).
    n_iter : int > 0 or "auto"
        Iterations; ``"auto"`` stops when they stop improving.
    momentum : float
        Fast and accelerated GLA's ``alpha`` (librosa's ``momentum``).
    seed : int
        Seed of every random phase (the same seed, the same signal).
    workers : int
        Threads, -1 for every core.

    Returns
    -------
    np.ndarray, float32, shape ``(length,)``

    Raises
    ------
    ValueError
        If ``S`` is not a finite 2-D array, or does not have the rows ``n_fft`` gives.

    See Also
    --------
    invert : from a picture file.
    specimg.phase.reconstruct : every method and option, on an :class:`StftConfig`.

    Examples
    --------
    >>> import numpy as np
    >>> import librosa
    >>> import specimg
    >>> y = librosa.tone(440, sr=22050, duration=1.0)
    >>> S = np.abs(librosa.stft(y))
    >>> y_hat = specimg.reconstruct(S, length=len(y), n_iter=20)
    >>> y_hat.shape, y_hat.dtype
    ((22050,), dtype('float32'))
    >>> rebuilt = np.abs(librosa.stft(y_hat))
    >>> bool(20 * np.log10(np.linalg.norm(rebuilt - S) / np.linalg.norm(S)) < -20)  # SC, dB
    True
    """
    S = np.asarray(S)
    if S.ndim != 2 or not np.issubdtype(S.dtype, np.floating) or not np.isfinite(S).all():
        raise ValueError(f"S must be a finite 2-D float array (bins x frames); got shape "
                         f"{S.shape}, dtype {S.dtype}")
    n_fft = 2 * (S.shape[0] - 1) if n_fft is None else n_fft
    if n_fft < 1 or S.shape[0] != 1 + n_fft // 2:
        raise ValueError(f"S has {S.shape[0]} rows; n_fft={n_fft} gives {1 + n_fft // 2}")
    win_length = n_fft if win_length is None else win_length
    hop_length = win_length // 4 if hop_length is None else hop_length
    if hop_length < 1:
        raise ValueError(f"hop_length={hop_length} must be a positive integer")
    length = hop_length * (S.shape[1] - 1) if length is None else length
    config = StftConfig(sr, n_fft, hop_length, window, center,
                        None if win_length == n_fft else win_length)
    return reconstruct_phase(S.astype(np.float32, copy=False), config, method, length=length,
                             n_iter=n_iter, momentum=momentum, random_state=seed,
                             workers=workers)


def encode(
    y: np.ndarray,
    sr: int,
    *,
    n_fft: int = 2048,
    hop_length: int = 512,
    win_length: int | None = None,
    top_db: float = 80.0,
    encoding: str = "png8",
    y_axis: str = "hz",
    n_mels: int = 128,
    fmin: float = 0.0,
    fmax: float | None = None,
) -> bytes:
    """One clip as a spectrogram picture that carries its parameters (what
    ``specimg encode`` writes, for one clip given whole).

    Parameters
    ----------
    y : np.ndarray, shape ``(n_samples,)``
        Mono signal, full scale 1.0.
    sr : int > 0
        Its sample rate (Hz).
    n_fft, hop_length : int > 0
        FFT size and hop (samples).
    win_length : int > 0, optional
        Window length (samples); None: ``n_fft``.
    top_db : float > 0
        Range kept below the picture's peak (dB).
    encoding : str
        ``png8``, ``png16``, ``jpegNN`` (quality NN) or ``specshow`` (drawn as
        ``librosa.display.specshow`` draws it).
    y_axis : {"hz", "mel"}
        Linear bins, or mel bands (dB of mel power).
    n_mels : int > 0
        Mel bands (``y_axis="mel"``).
    fmin, fmax : float
        Lowest and highest mel frequency (Hz; ``fmax`` None: ``sr / 2``).

    Returns
    -------
    bytes
        The picture file (PNG or JPEG).

    Examples
    --------
    >>> import librosa
    >>> import specimg
    >>> picture = specimg.encode(librosa.tone(440, sr=22050, duration=1.0), 22050)
    >>> picture[:4]
    b'\\x89PNG'
    """
    config = StftConfig(sr, n_fft, hop_length, win_length=win_length)
    fmt = PictureFormat(config, None, top_db=top_db, encoding=encoding, y_axis=y_axis,
                        n_mels=n_mels, fmin=fmin, fmax=fmax or 0.0)
    problems = fmt.problems()
    if problems:
        raise ValueError("; ".join(problems))
    return audio_to_image(np.asarray(y, dtype=np.float32), fmt)
