"""Cleaning and tagging: exclusion rules that flag rows, and derived tags for slicing."""

from callscope.clean.rules import FAMILIES, ExclusionRule, excluded_by, exclusion_rules
from callscope.clean.tags import TAGS, add_tags, peak_flag

__all__ = ["ExclusionRule", "exclusion_rules", "excluded_by", "FAMILIES", "TAGS", "add_tags", "peak_flag"]
