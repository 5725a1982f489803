"""Stage 3, kpi: pure computation over the domain model, no files.

`merge` folds checked submissions into the master, `aggregate` totals measures into
KPI values with `progress` rates and drafts the analysis, `status` says who has sent
what, `formats` renders the KPI list as text, Markdown, CSV or JSON data.
"""
