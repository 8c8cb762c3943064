"""ev: an evolutionary algorithm that evolves a quadcopter's altitude controller."""

__version__ = "0.1.0"
