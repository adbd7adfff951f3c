"""One renderer per format: html (Jinja2 + inline ECharts), pdf (the HTML printed by headless
Chromium), xlsx (XlsxWriter: real tables, native charts)."""
