"""95% intervals of a proportion and of the difference of two proportions.

- **Wilson score interval** of ``k`` successes in ``n`` trials, ``p = k / n``, ``z = 1.959964``
  (the 97.5% normal quantile)::

      centre = (p + z^2 / (2n)) / (1 + z^2 / n)
      half   = z / (1 + z^2 / n) * sqrt(p (1 - p) / n + z^2 / (4 n^2))

  It stays inside [0, 1] and is not empty at ``k = 0`` or ``k = n`` (where the Wald interval
  collapses to a point).
- **Newcombe's hybrid score interval** of ``d = p1 - p2`` (his method 10), from the two Wilson
  intervals ``[l1, u1]`` and ``[l2, u2]``::

      low  = d - sqrt((p1 - l1)^2 + (u2 - p2)^2)
      high = d + sqrt((u1 - p1)^2 + (p2 - l2)^2)

Both are None without trials (``n = 0``).
"""

from __future__ import annotations

import math

__all__ = ["Z95", "newcombe_difference", "wilson"]

Z95 = 1.959963984540054
"""The 97.5% quantile of the standard normal distribution (two-sided 95% intervals)."""


def wilson(k: int, n: int) -> tuple[float | None, float | None]:
    """The 95% Wilson score interval (low, high) of the share ``k / n``; (None, None) for
    ``n = 0``."""
    if n < 0 or k < 0 or k > n:
        raise ValueError(f"need 0 <= k <= n, got k={k!r}, n={n!r}")
    if n == 0:
        return None, None
    p, z2 = k / n, Z95 * Z95
    scale = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / scale
    half = Z95 / scale * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def newcombe_difference(
    k1: int, n1: int, k2: int, n2: int
) -> tuple[float | None, float | None, float | None]:
    """(d, low, high): ``d = k1 / n1 - k2 / n2`` with Newcombe's 95% hybrid score interval;
    all None when a group has no trials."""
    if n1 == 0 or n2 == 0:
        return None, None, None
    p1, p2 = k1 / n1, k2 / n2
    (l1, u1), (l2, u2) = wilson(k1, n1), wilson(k2, n2)
    d = p1 - p2
    low = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return d, low, high
