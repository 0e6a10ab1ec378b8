"""Adapters: implementations of the ports. They hold no business rule."""
