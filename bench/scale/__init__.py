"""The benchmark seeder and its personas (``manage.py seed_scale``, the bench scripts, the scale tests).

Development and benchmarking only: nothing in the applications imports this package at run time.
"""

from bench.scale.seeder import Seeder, main_pages, personas

__all__ = ["Seeder", "main_pages", "personas"]
