"""Audio and spectra: loading and segmenting recordings (:mod:`.audio`), the STFT and the dB maps
between magnitudes and picture levels (:mod:`.spectrum`)."""
