"""sorachi-etl: collect, check and merge municipal survey workbooks into a KPI list.

The library never prints and never imports Typer or Rich; `sorachi_etl.cli` does.
Heavy libraries (pandas, pandera, openpyxl) are imported inside the functions
that need them so that `sorachi-etl --help` starts instantly.
"""

__version__ = "0.1.0"
