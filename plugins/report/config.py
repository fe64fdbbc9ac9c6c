"""Settings of the report plugin (Excel exports and the web dashboard)."""

from pydantic import BaseModel


class Config(BaseModel):
    """REPORT_* keys in .env."""

    report_public_url: str = "http://127.0.0.1:8080"
    """Address members' phones use to reach this bot's web server; login links start with it."""
    report_secret: str = ""
    """Key that signs login links (any long random text). Empty: a random key per start, so links
    sent before a restart stop working."""
    report_link_minutes: int = 10
    """How long a 后台 login link stays valid (it also works only once)."""
    report_session_hours: int = 8
    """How long a browser stays signed in after following a link."""
    report_export_dir: str = "data/exports"
    """Where 导出 writes the .xlsx files it uploads to the group (one folder per branch)."""
    report_upload_group_file: bool = True
    """Send exports as group files (OneBot upload_group_file); off: always send a download link."""
