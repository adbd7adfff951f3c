"""callscope: contact-centre operations toolkit — clean data, KPIs, reports and staffing plans."""

__version__ = "0.1.0"
__all__ = ["__version__"]
