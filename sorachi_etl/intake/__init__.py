"""Stage 1, intake: a file in the 回収 folder -> its cells, or a reason it cannot be read.

Finds the files (`files`), tells what a file is from its bytes (`sniff`), checks
the container before any parser sees it (`archive`, `sheetxml`), reads values with
python-calamine (`read`) and locates the survey's tables by their header text (`locate`).
"""
