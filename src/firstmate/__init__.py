"""firstmate: the back office of a small multi-business operator."""

__version__ = "0.1.0"
