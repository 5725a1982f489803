"""Stage 2, check: located cells -> normalised rows and findings a clerk can act on.

`normalize` reads what a clerk typed, `rows` turns one return's cells into typed rows,
`frames` validates all returns' rows at once with pandera, `identity` tells whose and
which year's return a file is, and `validate` runs the stages over a set of files.
"""
