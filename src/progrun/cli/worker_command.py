"""`progrun worker`: run uploads and re-analysis from the task queue (needs `--broker` and a shared log)."""

from __future__ import annotations

import click

from progrun.cli.log_options import db_option


def broker_option(function: click.decorators.FC) -> click.decorators.FC:
    return click.option(
        "--broker",
        metavar="URL",
        help="The task queue, e.g. redis://127.0.0.1:6379 (default: PROGRUN_BROKER).",
    )(function)


@click.command()
@db_option
@broker_option
@click.option("--threads", type=click.IntRange(1, 64), default=1, show_default=True, help="Tasks at once.")
@click.option(
    "--graceful",
    "graceful_s",
    type=click.FloatRange(0, 3600),
    default=60.0,
    show_default=True,
    help="Seconds SIGTERM waits for the tasks in hand before returning them to the queue.",
)
@click.option(
    "--stale",
    "stale_s",
    type=click.FloatRange(5, 86400),
    default=300.0,
    show_default=True,
    help="Re-send uploads left queued or analysing this many seconds.",
)
@click.option(
    "--heartbeat",
    "heartbeat_s",
    type=click.FloatRange(1, 3600),
    default=30.0,
    show_default=True,
    help="A worker silent this long is dead; its tasks go to another worker.",
)
def worker(  # noqa: PLR0917 (click passes every option)
    db: str | None, broker: str | None, threads: int, graceful_s: float, stale_s: float, heartbeat_s: float
) -> None:
    """Run the task queue's work: uploads and re-analysis batches, until SIGTERM.

    Start one per core on any number of machines, all with the same --db and --broker.

    \b
    Example:
      progrun worker --db postgresql://progrun@db/progrun --broker redis://queue:6379
    """
    from progrun.cli.log_location import default_data_dir
    from progrun.errors import ProgrunError
    from progrun.settings import Settings
    from progrun.tasks.broker import BrokerPolicy
    from progrun.tasks.worker import WorkerOptions, run_worker
    from progrun.web.operations import configure_json_logs

    settings = Settings.from_environment(db, default_data_dir=default_data_dir, broker=broker)
    if not settings.broker_url:
        raise click.UsageError("give the task queue: --broker redis://127.0.0.1:6379 (or PROGRUN_BROKER)")
    if settings.db_url.startswith("sqlite"):
        raise click.UsageError(
            "workers need a log every machine reaches: --db postgresql://user@host/db (or PROGRUN_DB)"
        )
    configure_json_logs()
    try:
        run_worker(
            settings.db_url,
            settings.broker_url,
            WorkerOptions(
                threads=threads,
                graceful_s=graceful_s,
                stale_s=stale_s,
                sweep_every_s=min(30.0, stale_s / 2),
                policy=BrokerPolicy(
                    heartbeat_timeout_ms=int(heartbeat_s * 1000),
                    # a short heartbeat is for fast failover: look for dead workers at every fetch
                    maintenance_chance=1_000_000 if heartbeat_s < 30 else BrokerPolicy.maintenance_chance,
                ),
            ),
        )
    except ProgrunError as error:
        raise click.ClickException(str(error)) from None
