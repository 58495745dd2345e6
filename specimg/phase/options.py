"""How the phase is recovered: one typed set of options, from a params section or flags."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass

from ..util import checks
from ..util.errors import ParameterError
from .methods import DEFAULT_METHOD, METHODS, parse_n_iter

#: ``params.yaml`` keys of the ``invert`` section, by option name.
PARAM_KEYS = {"n_iter": "n_iter", "momentum": "momentum", "beta": "agla_beta",
              "gamma": "agla_gamma", "pghi_tol_db": "pghi_tol_db", "random_state": "seed"}


@dataclass(frozen=True)
class PhaseOptions:
    """The options of :func:`specimg.phase.reconstruct` that a user chooses.

    Attributes
    ----------
    method : str
        One of :data:`specimg.phase.METHODS`.
    n_iter : int or "auto"
        Iterations of the iterative methods (``auto``: stop when they stop improving).
    momentum : float
        ``alpha`` of fast and accelerated GLA (librosa's ``momentum``).
    beta, gamma : float
        Accelerated GLA's other two parameters.
    pghi_tol_db : float
        PGHI integrates coefficients down to this far below the peak (dB).
    random_state : int
        Seed of every random phase.
    """

    method: str = DEFAULT_METHOD
    n_iter: int | str = 100
    momentum: float = 0.99
    beta: float = 1.1
    gamma: float = 1.2
    pghi_tol_db: float = 70.0
    random_state: int = 0

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"method {self.method!r} is unknown; choose from "
                             f"{', '.join(METHODS)}")
        object.__setattr__(self, "n_iter", parse_n_iter(self.n_iter))
        checks.seed(self.random_state, "random_state")

    @classmethod
    def from_params(cls, section: Mapping, method: str, prefix: str = "invert.") -> PhaseOptions:
        """The options in a ``params.yaml`` section (``n_iter``, ``momentum``, ``agla_beta``,
        ``agla_gamma``, ``pghi_tol_db``, ``seed``; missing keys keep their defaults).

        :class:`~specimg.util.errors.ParameterError` naming the key (``prefix`` + key) if a
        value is not usable.
        """
        values: dict = {"method": method}
        for name, key in PARAM_KEYS.items():
            if key in section:
                values[name] = _OPTION_CHECKS.get(name, _finite)(section[key], prefix + key)
        try:
            return cls(**values)
        except ValueError as exc:
            raise ParameterError(f"{prefix}{exc}") from None

    def keywords(self) -> dict:
        """Keyword arguments of :func:`specimg.phase.reconstruct` and
        :func:`specimg.inversion.magnitude_to_audio`."""
        return asdict(self)


def _finite(value: object, name: str) -> float:
    return checks.real(value, name, allowed="use a finite number")


def _positive(value: object, name: str) -> float:
    return checks.real(value, name, above=0.0, allowed="use a number of dB above 0")


#: The check of each option's params key (others: any finite number).
_OPTION_CHECKS = {"n_iter": parse_n_iter, "random_state": checks.seed, "pghi_tol_db": _positive}
