"""Stage 2, check: located cells -> normalised rows and findings a clerk can act on.

`normalize` reads what a clerk typed; `rows` holds the typed rows of a return, which
`value_rows` (調査実績) and `initiative_rows` (取組) read from its cells; `identity` tells
whose and which year's return a file is; `one_file` checks one file on its own; `frames`
validates all returns' rows at once with pandera (`schema_failures` maps pandera's
failures back to rows and codes); `accept` decides what of a return may be merged; and
`validate` runs the stages over a set of files.
"""
