"""Cleaning and tagging: exclusion rules that flag rows, and derived tags for slicing."""

from callscope.clean.rules import FAMILIES, ExclusionRule, exclusion_counts, exclusion_flags, exclusion_rules
from callscope.clean.tags import TAGS, add_tags, peak_flag

__all__ = ["ExclusionRule", "exclusion_rules", "exclusion_flags", "exclusion_counts", "FAMILIES", "TAGS", "add_tags", "peak_flag"]
