"""Figures: KPI values, progress rates, the analysis and the report's content, as plain data."""
