"""Per-user rate limits shared by every process (Redis GCRA), with a local fallback.
See docs/security.md, "Rate limits"."""

from .limiter import Decision, RateLimiter
from .local import LocalGcra
from .rates import Rate, RateTable, parse_rate, variable

__all__ = ["Decision", "LocalGcra", "Rate", "RateLimiter", "RateTable", "parse_rate", "variable"]
