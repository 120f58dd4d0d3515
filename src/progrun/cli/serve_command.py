"""`progrun serve`: the web app over the training log, on this machine by default."""

from __future__ import annotations

import click

from progrun.cli.log_options import db_option

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def serve_log(
    db_url: str, host: str, port: int, *, data_dir: str = "", broker_url: str = "", workers: int = 1
) -> None:
    """Serve the log at `db_url` until Ctrl-C, after printing the owner's one-time sign-in link.

    `workers` > 1 runs that many server processes (uvicorn's), each building the app from the
    environment (`PROGRUN_DB`, `PROGRUN_BROKER`); uploads then need the shared log's table, which
    every process reads, and with a broker the work goes to `progrun worker`s.
    """
    import os
    from pathlib import Path

    import uvicorn

    from progrun.settings import Settings
    from progrun.storage.database import Database
    from progrun.web import create_app
    from progrun.web.config import WebConfig
    from progrun.web.operations import configure_json_logs
    from progrun.web.owner import ensure_owner, once_link

    config = WebConfig(broker_url=broker_url)
    database = Database.open(db_url)
    try:
        owner, created = ensure_owner(database)
        shown_host = "127.0.0.1" if host in {"0.0.0.0", "::"} else host
        link = once_link(database, owner.id, f"http://{shown_host}:{port}", config.once_link_minutes)
        if created:
            click.echo(f"created the owner account {owner.email} (it owns this training log's runs)")
        click.echo(f"serving {database.shown_url} at http://{shown_host}:{port}")
        click.echo(f"open this link to sign in (once, within {config.once_link_minutes:.0f} min):")
        click.echo(f"    {link}")
        configure_json_logs()
        if workers > 1:
            database.close()
            os.environ.update(PROGRUN_DB=db_url, PROGRUN_BROKER=broker_url, PROGRUN_DATA_DIR=data_dir or ".")
            uvicorn.run(
                "progrun.web.factory:app_from_environment",
                factory=True,
                host=host,
                port=port,
                workers=workers,
                log_level="warning",
                timeout_graceful_shutdown=30,
                timeout_keep_alive=KEEP_ALIVE_S,
            )
            return
        settings = Settings(db_url=db_url, data_dir=Path(data_dir or "."), broker_url=broker_url)
        app = create_app(settings, config, database=database)
        uvicorn.run(
            app,
            host=host,
            port=port,
            log_level="warning",
            timeout_graceful_shutdown=30,
            timeout_keep_alive=KEEP_ALIVE_S,
        )
    finally:
        database.close()


#: Idle keep-alive connections are kept this long (uvicorn's default is 5 s, the same as common clients'
#: pool expiry, so a client could reuse a connection the server was closing: the load test's 19 connection
#: errors in 6,883 requests). Longer than the clients' and shorter than a proxy's usual 75 s idle timeout.
KEEP_ALIVE_S = 65


@click.command()
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=DEFAULT_PORT, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True, help="Server processes.")
@click.option(
    "--broker", metavar="URL", help="Task queue for uploads, e.g. redis://127.0.0.1:6379 (PROGRUN_BROKER)."
)
@db_option
def serve(host: str, port: int, workers: int, broker: str | None, db: str | None) -> None:
    """Serve the web app over the training log; prints a one-time sign-in link.

    \b
    Example:
      progrun serve
      progrun serve --port 8080 --db club.db
      progrun serve --workers 4 --db postgresql://db/progrun --broker redis://queue:6379
    """
    from progrun.cli.log_location import default_data_dir
    from progrun.settings import Settings

    settings = Settings.from_environment(db, default_data_dir=default_data_dir, broker=broker)
    if workers > 1 and settings.db_url.startswith("sqlite"):
        raise click.UsageError(
            "several server processes need a shared log: --db postgresql://... (or PROGRUN_DB)"
        )
    serve_log(
        settings.db_url,
        host,
        port,
        data_dir=str(settings.data_dir),
        broker_url=settings.broker_url,
        workers=workers,
    )
