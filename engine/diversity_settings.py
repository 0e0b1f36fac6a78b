"""Where :class:`DiversitySettings` used to live; it is now part of :mod:`engine.settings`.

Kept so that ``from meedenken.engine.diversity_settings import DiversitySettings`` still works.
"""

from .settings import DIVERSITY, MIN_CELL_SIZE_FLOOR, DiversitySettings

__all__ = ["DIVERSITY", "MIN_CELL_SIZE_FLOOR", "DiversitySettings"]
