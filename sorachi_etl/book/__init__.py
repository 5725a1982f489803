"""Stage 4, book: everything that reads or writes a workbook the tool owns.

The master (`master_read`, `master_check`, `master_write`, `rowxml`, `preserve`), the output sheets
(`kpi_list`, `submissions`, `charts`), the survey template (`template`,
`validation_rules`, `fill`), annotated copies for sending back (`annotate`), and the
shared openpyxl helpers (`xlsx`).
"""
