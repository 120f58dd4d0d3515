"""The broker: Dramatiq's RedisBroker with progrun's retry policy, and whether it answers.

Messages are acknowledged only after the actor returns (Dramatiq's rule), and our actors return only
after their transaction committed. A worker killed mid-task stops its heartbeat; after
`heartbeat_timeout_ms` the broker's maintenance puts its unacknowledged messages back on the queue
for another worker. Failures are retried `max_retries` times with exponential backoff from
`min_backoff_ms`, then the message goes to Dramatiq's dead-letter queue and our dead-letter actor
records the reason on the upload.
"""

from __future__ import annotations

from dataclasses import dataclass

import dramatiq
import redis
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import (
    AgeLimit,
    Callbacks,
    CurrentMessage,
    Pipelines,
    Retries,
    ShutdownNotifications,
    TimeLimit,
)

from progrun.errors import ProgrunError

#: The queues progrun uses.
UPLOADS_QUEUE = "uploads"
REANALYSIS_QUEUE = "reanalysis"


@dataclass(frozen=True)
class BrokerPolicy:
    """Retries and failure detection; the defaults suit a club's server, tests shorten them."""

    max_retries: int = 5
    min_backoff_ms: int = 1000
    max_backoff_ms: int = 60_000
    #: A worker silent this long is dead: its unacknowledged messages go back on the queue.
    heartbeat_timeout_ms: int = 30_000
    #: One task at most this long (an upload of an export archive with thousands of runs fits).
    time_limit_ms: int = 30 * 60_000
    #: Out of a million broker commands, how many also run the requeue maintenance.
    maintenance_chance: int = 1000


class BrokerError(ProgrunError):
    """The broker is unreachable or its URL is not one progrun speaks."""


def connect(url: str, policy: BrokerPolicy | None = None) -> dramatiq.Broker:
    """A broker for `redis://host:port[/db]` (or `stub://` in tests), set as Dramatiq's global one."""
    policy = policy or BrokerPolicy()
    middleware = [
        AgeLimit(),
        TimeLimit(time_limit=policy.time_limit_ms),
        ShutdownNotifications(),
        Callbacks(),
        Pipelines(),
        Retries(
            max_retries=policy.max_retries,
            min_backoff=policy.min_backoff_ms,
            max_backoff=policy.max_backoff_ms,
        ),
        CurrentMessage(),
    ]
    broker: dramatiq.Broker
    if url.startswith(("redis://", "rediss://", "unix://")):
        broker = RedisBroker(  # type: ignore[no-untyped-call]
            url=url,
            middleware=middleware,
            heartbeat_timeout=policy.heartbeat_timeout_ms,
            maintenance_chance=policy.maintenance_chance,
            socket_connect_timeout=2,
            socket_timeout=10,
        )
    elif url == "stub://":
        broker = StubBroker(middleware=middleware)
    else:
        raise BrokerError(
            f"broker: {url!r} is not a broker progrun speaks; give redis://host:6379 (or leave it out to "
            "analyse uploads in the server's own processes)"
        )
    dramatiq.set_broker(broker)
    return broker


def ping(broker: dramatiq.Broker) -> None:
    """Raise BrokerError unless the broker answers."""
    if isinstance(broker, RedisBroker):
        try:
            broker.client.ping()
        except redis.RedisError as error:
            raise BrokerError(f"broker: Redis does not answer ({type(error).__name__}: {error})") from None


def queue_depth(broker: dramatiq.Broker, queue_name: str) -> int:
    """Messages waiting on a queue (not counting those a worker holds)."""
    if isinstance(broker, RedisBroker):
        return int(broker.client.llen(f"{broker.namespace}:{queue_name}"))
    if isinstance(broker, StubBroker):
        return int(broker.queues[queue_name].qsize()) if queue_name in broker.queues else 0
    return 0
