"""The ground floor: the domain model, names, eras, column rules and the message catalogue.

Everything above reads these; nothing here reads a file a user sent or writes a workbook.
"""
