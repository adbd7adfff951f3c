"""The real-data case study: the Technion Anonymous Bank call log (February 1999) and the US bank's
5-minute series, turned into `docs/case-study-anonymous-bank.md` by one command:

    callscope case-study anonymous-bank [--data DIR] [--out docs]

    from callscope.casestudy import Inputs, build
    context = build(Inputs(Path("../shared/data")), Path("docs"))

Modules: `bank` (the Anonymous Bank figures), `planning` (US bank forecast and staffing),
`charts` (PNG), `document` (the run and the Jinja2 template). Method and definitions: the
generated document itself, and docs/case-study.md.
"""

from callscope.casestudy.bank import Target
from callscope.casestudy.document import Inputs, Settings, build, default_data_dir, render

__all__ = ["build", "render", "Inputs", "Settings", "Target", "default_data_dir"]
