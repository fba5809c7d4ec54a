"""Surface names → surfaces: the one place that knows every kind of surface.

A name is a built-in surface (``ravine``), a formula (``custom:x**2 + 10*y**2``) or a data set
(``data:logistic?n=200&scale=10``).  The kinds are leaves below this module (they know nothing
of each other or of the engine); the engine and everything above it resolve names here.
"""
from __future__ import annotations

from . import custom, datasets
from .surfaces import SURFACES, Surface, recall

__all__ = ["get_surface"]


def get_surface(name, domain=None) -> Surface:
    """The surface called ``name`` (a Surface is returned as it is).

    ``domain`` applies to formulas only: the area their minima are searched in and drawn
    (default: the last one this name was made with, else ``custom.DEFAULT_DOMAIN``).
    Raises ``ValueError`` naming the valid choices.
    """
    if isinstance(name, Surface):
        return name
    if isinstance(name, str):
        known = recall(name)
        if name.startswith(custom.PREFIX):
            if known is not None and (domain is None or known.domain == custom.check_domain(domain)):
                return known
            return custom.custom_surface(name[len(custom.PREFIX):], domain)
        if known is not None:
            return known
        if name.startswith(datasets.PREFIX):
            return datasets.data_surface(**datasets.parse_name(name))
    builtin = ", ".join(SURFACES)
    raise ValueError(f"unknown surface {name!r}; choose one of: {builtin}, "
                     "custom:<formula in x and y>, or data:least_squares / data:logistic")
