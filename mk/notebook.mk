# notebook/ validates the notebooks it writes with Debian's nbformat.
DEBS += python3-nbformat
