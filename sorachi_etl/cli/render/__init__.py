"""What the commands print: Rich renderings of the library's results, one module per command.

`checks` (the files checked) and `kpis` (the KPI list and its changes) are shared
by the commands that show them. Each is fed the objects the library returns and
prints to the console it is given; nothing here computes a result.
"""
