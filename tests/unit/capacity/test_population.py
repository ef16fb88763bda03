"""Who the capacity run simulates (bench/capacity/population.py)."""

from __future__ import annotations

from collections import Counter

import pytest

from bench.capacity.population import Population


def test_groups_of_twenty_each_with_forty_private_conversations() -> None:
    population = Population(60)
    kinds = Counter(c.kind for c in population.conversations)
    assert kinds == {"GROUP": 3, "PRIVATE": 120}
    partners = Counter(
        m for c in population.conversations if c.kind == "PRIVATE" for m in c.members
    )
    assert set(partners.values()) == {4}
    assert len({c.id for c in population.conversations}) == len(population.conversations)


def test_every_conversation_stays_inside_one_group() -> None:
    population = Population(100)
    for conversation in population.conversations:
        assert len({population.group_of(m) for m in conversation.members}) == 1


def test_ids_are_24_hex_digits_and_distinct_from_conversation_ids() -> None:
    population = Population(20)
    users = {population.user_id(n) for n in range(20)}
    assert all(len(u) == 24 and int(u, 16) >= 0 for u in users)
    assert not users & {c.id for c in population.conversations}


def test_shapes_give_each_conversation_its_history_size() -> None:
    shapes = Population(20).shapes(group_history=300, private_history=7)
    sizes = Counter((shape.kind, shape.size) for shape in shapes.values())
    assert sizes == {("GROUP", 300): 1, ("PRIVATE", 7): 40}


def test_a_partial_group_is_refused() -> None:
    with pytest.raises(ValueError, match="multiple of the group size"):
        Population(30)
