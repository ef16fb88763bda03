"""Seed a run's data in bulk, straight into the migrated tables (never one HTTP call a row).

- auth_user: every user of the population, one multi-row insert, all with one argon2 hash of
  `PASSWORD` (so any of them can log in through `POST /login`);
- chat_file: the conversations, their members (everything read) and their history, through
  the storage bench's loader (bench/storage_data.py: executemany on SQLite, COPY on
  PostgreSQL, planner statistics refreshed);
- Redis: every user's profile in the shared cache, as logins leave it (pipelined writes).
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import argon2
import redis

from bench.capacity.population import Population
from bench.storage_data import Dataset, interleave, load
from libs.servicekit.sql import create_sql_engine
from libs.usercache import UserCache
from services.auth_user.infrastructure.sql.tables import users as U
from services.auth_user.infrastructure.stores import migrate_auth_database

PASSWORD = "Capacite2026!"
FIRST_NAMES = ["Jean", "Marie", "Paul", "Alice", "Hélène", "Joël", "Aïcha", "Benoît", "Zoé"]
LAST_NAMES = ["Ngono", "Mbarga", "Fotso", "Etoundi", "Nkodo", "Fouda", "Abena", "Bélinga"]
MINISTRIES = ["MINFI", "MINESUP", "MINSANTE", "MINEDUB", "MINTP"]
CACHE_BATCH = 1000


@dataclass(frozen=True)
class SeedCounts:
    users: int
    conversations: int
    messages: int
    seconds: float


def profile(population: Population, number: int) -> dict[str, str]:
    return {
        "id": population.user_id(number),
        "matricule": population.matricule(number),
        "nom": LAST_NAMES[number % len(LAST_NAMES)],
        "prenom": f"{FIRST_NAMES[number % len(FIRST_NAMES)]} {number}",
        "ministere": MINISTRIES[number % len(MINISTRIES)],
        "sexe": "F" if number % 2 else "M",
    }


def seed_auth_users(database_url: str, population: Population) -> None:
    migrate_auth_database(database_url)
    password_hash = argon2.PasswordHasher().hash(PASSWORD)
    now = datetime.now(UTC)
    rows = [
        {
            **profile(population, n),
            "password_hash": password_hash,
            "role": "user",
            "created_at": now,
            "updated_at": now,
        }
        for n in range(population.users)
    ]
    engine = create_sql_engine(database_url)
    try:
        with engine.begin() as tx:
            tx.execute(U.insert(), rows)
    finally:
        engine.dispose()


def seed_chat(
    database_url: str, population: Population, group_history: int, private_history: int
) -> int:
    shapes = population.shapes(group_history, private_history)
    start = int(time.time()) - 400 * 86_400  # the history ends weeks before the run
    step = max(1, 380 * 86_400 // max(1, sum(s.size for s in shapes.values())))
    rows = interleave(shapes, random.Random(30), start=start, step=step)
    load(database_url, Dataset(shapes, rows))
    return len(rows)


def warm_profiles(redis_url: str, prefix: str, population: Population) -> None:
    cache = UserCache(redis.Redis.from_url(redis_url), prefix=prefix)
    try:
        for batch in _batches(range(population.users), CACHE_BATCH):
            cache.set_many(profile(population, n) for n in batch)
    finally:
        cache.close()


def _batches(numbers: range, size: int) -> Iterator[range]:
    for first in range(numbers.start, numbers.stop, size):
        yield range(first, min(numbers.stop, first + size))


def seed(
    auth_url: str,
    chat_url: str,
    redis_url: str,
    cache_prefix: str,
    population: Population,
    group_history: int,
    private_history: int,
) -> SeedCounts:
    started = time.perf_counter()
    seed_auth_users(auth_url, population)
    messages = seed_chat(chat_url, population, group_history, private_history)
    warm_profiles(redis_url, cache_prefix, population)
    return SeedCounts(
        population.users, len(population.conversations), messages, time.perf_counter() - started
    )
