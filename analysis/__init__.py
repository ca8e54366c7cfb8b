"""Library behind the reproducible edition of *Upgrading to Compete* (IDB, 2006).

Notebooks in ``chapters/`` stay thin: they read parameters, call functions from
this package and show the results. Everything that computes lives here.
"""

__all__ = ["__version__"]
__version__ = "0.1.0"
