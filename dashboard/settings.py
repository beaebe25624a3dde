"""Application settings, read once from the environment and an optional ``.env`` file.

Every tunable of the product lives here so that the README's configuration table, the
app and the command-line tools agree. Names are the environment variables themselves
(``DATABASE_URL``, ``GEODATA_DIR`` ...), because operators set them in systemd units
and container specs, not in Python.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: The repository root: defaults are relative to it, not to the working directory,
#: so ``make run`` and ``gunicorn app:server`` started elsewhere find the same files.
REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Settings of one running dashboard (or one command-line run)."""

    model_config = SettingsConfigDict(
        env_file=REPO_ROOT / ".env",
        env_file_encoding="utf-8",
        case_sensitive=False,
        extra="ignore",
    )

    database_url: str = Field(
        default=f"sqlite:///{REPO_ROOT / 'data' / 'groundcheck.sqlite'}",
        description="SQLAlchemy URL of the ground-check database "
        "(sqlite:///path or postgresql+psycopg://user:pass@host/db).",
    )
    database_read_url: str = Field(
        default="",
        description="Where pages, downloads and the API read figures: a PostgreSQL streaming replica "
        "(empty: DATABASE_URL). Sign-in, users and the audit trail stay on DATABASE_URL.",
    )
    geodata_dir: Path = Field(
        default=REPO_ROOT.parent / "shared" / "geodata",
        description="Folder holding provinces.geojson and regencies.geojson.",
    )
    host: str = Field(default="127.0.0.1", description="Address the web server binds to.")
    port: int = Field(default=8050, ge=1, le=65535, description="Port of the web server.")
    web_workers: int = Field(
        default=0, ge=0, le=64, description="gunicorn worker processes of `make run` (0: one per CPU core)."
    )
    web_threads: int = Field(default=4, ge=1, le=64, description="Threads per gunicorn worker process.")
    refresh_interval_seconds: int = Field(
        default=60,
        ge=5,
        le=3600,
        description="How often open pages poll for new data.",
    )
    default_language: Literal["id", "en"] = Field(
        default="id", description="Language of the interface until the user picks one."
    )
    demo_families: int = Field(
        default=500_000,
        ge=1,
        description="Targets in the demo round that `make run` creates on an empty database.",
    )
    demo_seed: int = Field(default=2025, description="Seed of the demo round.")
    log_level: str = Field(default="INFO", description="Python logging level.")
    log_format: Literal["json", "text"] = Field(
        default="json",
        description="Log lines as JSON (one object per line, with the request id, user and area of a request) or as text.",
    )
    slow_request_ms: int = Field(default=2000, ge=0, description="A request or callback slower than this is logged (0: every one).")
    slow_query_ms: int = Field(default=1000, ge=0, description="A database query slower than this is logged, without its parameters.")
    quality_min_interview_seconds_family: int = Field(
        default=300, ge=0, description="Quality rule: an interview of a family shorter than this is too short."
    )
    quality_min_interview_seconds_individual: int = Field(
        default=180, ge=0, description="Quality rule: the same for an individual (inactive NIK)."
    )
    quality_gps_tolerance_m: float = Field(
        default=2000.0, ge=0, description="Quality rule: metres outside the kabupaten/kota accepted (coasts, generalised boundaries)."
    )
    quality_first_plausible_hour: int = Field(
        default=6, ge=0, le=23, description="Quality rule: visits starting before this local hour are implausible."
    )
    quality_last_plausible_hour: int = Field(
        default=22, ge=1, le=24, description="Quality rule: visits starting at or after this local hour are implausible."
    )
    quality_max_visits_per_day: int = Field(
        default=25, ge=1, description="Quality rule: more visits started by one facilitator in a local day is implausible."
    )
    risk_threshold: float = Field(
        default=50.0, ge=0, le=100, description="Fabrication risk score (0-100) from which a facilitator is shown as high risk."
    )
    risk_min_interviews: int = Field(
        default=5, ge=2, description="Interviews a facilitator needs before a fabrication risk score is given."
    )
    forecast_window_days: int = Field(
        default=14, ge=7, le=56, description="Days of recent submissions a forecast's pace is measured over."
    )
    schedule_behind_points: float = Field(
        default=5.0, ge=0, le=50, description="Points of completion below the plan from which a region or facilitator is behind schedule."
    )
    desil_cutoff_pkh: int = Field(
        default=4, ge=1, le=9, description="Findings: PKH is paid to families in desil 1 to this (an inclusion error is re-ranked above it)."
    )
    desil_cutoff_sembako: int = Field(default=5, ge=1, le=9, description="Findings: the same for Sembako.")
    desil_cutoff_pbi_jk: int = Field(default=5, ge=1, le=9, description="Findings: the same for PBI-JK (health insurance contributions).")
    alert_idle_days: int = Field(default=5, ge=1, le=60, description="Alert: facilitators without a visit for this many days, per kabupaten/kota.")
    alert_no_visits_hour: int = Field(
        default=14, ge=0, le=23, description="Alert: a kabupaten/kota without a visit on a working day is reported from this hour (WIB) on."
    )
    alert_flag_jump_points: float = Field(
        default=10.0, ge=1, le=100, description="Alert: a rise of the share of flagged submissions of the last 3 days over the earlier share, in points."
    )
    alert_stale_hours: float = Field(default=6.0, gt=0, le=168, description="Alert: hours without new data after which the data has stopped arriving.")
    wall_stale_minutes: int = Field(
        default=180, ge=5, le=24 * 60, description="The wall warns that data stopped when its newest data is older than this."
    )
    alert_digest_hour: int = Field(default=7, ge=0, le=23, description="Hour (WIB) from which the daily digest of alerts is sent.")
    alert_delivery_attempts: int = Field(
        default=6, ge=1, le=20, description="Attempts to deliver an alert message before it is recorded as failed (the next after pauses of 1, 5, 15, 30, 60, 120 minutes)."
    )
    alert_webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=120, description="How long a webhook receiver may take to answer.")
    public_url: str = Field(
        default="", description="Address under which users reach the dashboard (e.g. https://nscc.example/groundcheck): the links in alert messages (empty: no links)."
    )
    smtp_host: str = Field(default="", description="Mail server for alert e-mails (empty: e-mail is not sent; its messages are recorded as failed).")
    smtp_port: int = Field(default=587, ge=1, le=65535, description="Port of the mail server.")
    smtp_security: Literal["starttls", "ssl", "none"] = Field(
        default="starttls", description="How the connection to the mail server is secured (`none` only for a relay on this machine)."
    )
    smtp_user: str = Field(default="", description="User name at the mail server (empty: no authentication).")
    smtp_password: SecretStr = Field(default=SecretStr(""), description="Password at the mail server.")
    alert_mail_from: str = Field(default="ground-check-monitor@localhost", description="Sender address of alert e-mails.")
    secret_key: SecretStr = Field(
        default=SecretStr(""),
        description="Key that signs sessions and CSRF tokens. Required with PostgreSQL; "
        "on SQLite (the demo) a random key is kept in `secret_key` beside the database file.",
    )
    https: bool = Field(
        default=False,
        description="Served over HTTPS (directly or by a TLS proxy): cookies get `Secure` and HSTS is sent.",
    )
    trusted_proxies: int = Field(
        default=0, ge=0, le=5,
        description="Reverse proxies in front that set `X-Forwarded-For`/`-Proto` (their client address is audited and rate-limited).",
    )
    session_hours: int = Field(default=12, ge=1, le=24 * 7, description="How long a sign-in lasts in a browser.")
    display_session_days: int = Field(
        default=365, ge=1, le=400, description="How long a display (wall screen) account stays signed in."
    )
    login_rate_limit: str = Field(
        default="10 per minute", description="Sign-in attempts allowed per client address (Flask-Limiter syntax)."
    )
    login_lockout_attempts: int = Field(
        default=5, ge=1, description="Failed sign-ins in a row after which an account is locked."
    )
    login_lockout_minutes: int = Field(default=15, ge=1, description="How long a locked account stays locked.")
    audit_retention_days: int = Field(default=365, ge=1, description="Days the audit trail is kept.")
    figure_cache: bool = Field(
        default=True, description="Compute figures once per data version and share them (off: every request computes)."
    )
    cache_dir: Path = Field(
        default=REPO_ROOT / "data" / "cache",
        description="Where the app servers of one host share the figures (when REDIS_URL is not set).",
    )
    redis_url: str = Field(
        default="",
        description="Redis shared by several app servers (figures, sign-in rate limits), e.g. redis://cache.example:6379/0.",
    )
    open_province_comparison: bool = Field(
        default=False,
        description="Show every signed-in user the 38-province ranking and map (aggregates), not only their own area.",
    )

    @property
    def programme_cutoffs(self) -> tuple[tuple[str, int], ...]:
        """Each programme's desil cut-off, in the order the pages list them."""
        return (("pkh", self.desil_cutoff_pkh), ("sembako", self.desil_cutoff_sembako), ("pbi_jk", self.desil_cutoff_pbi_jk))

    @property
    def read_database_url(self) -> str:
        """Where figures are read: the replica of ``DATABASE_READ_URL``, else the primary."""
        return self.database_read_url or self.database_url

    @field_validator("database_url", "database_read_url")
    @classmethod
    def _database_url_is_supported(cls, value: str) -> str:
        if value and not value.startswith(("sqlite", "postgresql")):
            raise ValueError(
                "DATABASE_URL must be a SQLite (sqlite:///...) or PostgreSQL "
                "(postgresql+psycopg://...) URL"
            )
        return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (tests build their own ``Settings`` instead)."""
    return Settings()
