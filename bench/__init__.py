"""Scale tests of the registry: ``python -m bench generate`` builds large, realistic registries.

See :mod:`bench.generate`.
"""
