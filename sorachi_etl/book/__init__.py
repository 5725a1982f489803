"""Everything that writes a workbook (and the publication made from one)."""
