"""A bounded map that forgets what was used least recently."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

__all__ = ["Lru"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Lru(Generic[K, V]):
    """Values by key, at most `capacity` in weight (each value weighs `weigh(value)`, 1 by
    default); putting one in evicts the least recently used until it fits. The newest value
    is always kept, even when it alone weighs more than `capacity`: the caller is about to
    read it.
    """

    def __init__(self, capacity: int, weigh: Callable[[V], int] | None = None) -> None:
        if capacity < 1:
            raise ValueError("capacity: expected at least 1")
        self.capacity = capacity
        self._weigh = weigh
        self._values: OrderedDict[K, V] = OrderedDict()
        self._weight = 0

    def __len__(self) -> int:
        return len(self._values)

    def __contains__(self, key: object) -> bool:
        return key in self._values

    @property
    def weight(self) -> int:
        """The weight of what is held (its length when every value weighs 1)."""
        return self._weight

    def get(self, key: K) -> V | None:
        """The value of `key`, now the most recently used; None when not held."""
        value = self._values.get(key)
        if value is not None:
            self._values.move_to_end(key)
        return value

    def peek(self, key: K) -> V | None:
        """The value of `key`, its place unchanged; None when not held."""
        return self._values.get(key)

    def put(self, key: K, value: V) -> list[tuple[K, V]]:
        """Hold `value` as the most recently used; the entries evicted to make room."""
        self.pop(key)
        self._values[key] = value
        self._weight += self._weight_of(value)
        evicted: list[tuple[K, V]] = []
        while self._weight > self.capacity and len(self._values) > 1:
            old_key, old = self._values.popitem(last=False)
            self._weight -= self._weight_of(old)
            evicted.append((old_key, old))
        return evicted

    def pop(self, key: K) -> V | None:
        """Forget `key`; its value, or None when it was not held."""
        value = self._values.pop(key, None)
        if value is not None:
            self._weight -= self._weight_of(value)
        return value

    def _weight_of(self, value: V) -> int:
        return 1 if self._weigh is None else self._weigh(value)
