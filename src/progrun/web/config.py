"""The web app's own settings: sessions, limits and the analysis pool (the log's location is `Settings`)."""

from __future__ import annotations

from dataclasses import dataclass

MB = 1_000_000


@dataclass(frozen=True)
class WebConfig:
    """Limits and lifetimes of `progrun serve`; the defaults suit one club on one machine."""

    #: How long a sign-in lasts (a browser session or an API token).
    session_hours: float = 24 * 14
    #: How long a one-time sign-in link printed by `progrun serve` stays valid.
    once_link_minutes: float = 60.0
    #: Sign-in attempts per IP address and e-mail address in `sign_in_window_s`.
    sign_in_attempts: int = 5
    sign_in_window_s: float = 60.0
    #: One uploaded file (a run or a whole export archive) at most this many bytes.
    upload_max_bytes: int = 50 * MB
    #: Files a user may upload in an hour (an archive counts as one file).
    uploads_per_hour: int = 200
    #: Worker processes analysing uploads (0: one per core, at most 4).
    analysis_workers: int = 0
    #: The task queue (`redis://host:6379`): uploads become tasks for `progrun worker`; "" uses the pool.
    broker_url: str = ""
    #: Cookies only over https; None: decide per request from its scheme.
    secure_cookies: bool | None = None
