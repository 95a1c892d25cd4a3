"""mognad: a terminal facilitation tool for the method "Digital mognad"."""

__version__ = "0.1.0"
