"""Importers: files and platform exports → canonical tables, with every row accounted for."""

from callscope.ingest.pipeline import AccountingError, ImportRun, detect_table, ingest_file
from callscope.ingest.profile import Profile, ProfileError, load_profile, shipped_profiles

__all__ = ["ingest_file", "ImportRun", "AccountingError", "detect_table", "Profile", "ProfileError", "load_profile", "shipped_profiles"]
