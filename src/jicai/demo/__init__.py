"""The synthetic province (``jicai demo``): see :mod:`jicai.demo.generate`."""
