"""How large an input file may be before it is refused at once, and the file problem
that a reader raises.

The widest contract table has 14 columns; a file may carry extra columns, kept
aside, but a header of more than :data:`MAX_COLUMNS` is a broken export (or an
attack), never a table. A workbook is refused before it is loaded when the area
its cells span would take more memory than its cells justify.
"""

from __future__ import annotations

MAX_COLUMNS = 1000

# The area (rows × columns) a workbook's first sheet may span: a full Excel sheet of
# 1 048 576 rows by 28 columns. The reader holds every cell of that area.
MAX_CELLS = 30_000_000
# A sheet may span at most this many times the cells that hold a value, plus an
# allowance (a million cells, some 32 MB): a few cells far apart, or a zip of millions
# of empty cells, must not make the reader hold a huge empty area.
SPARSE_FACTOR = 10
SPARSE_ALLOWANCE = 1_000_000
# The XML of one sheet and of the shared strings, uncompressed.
MAX_SHEET_BYTES = 4 << 30
MAX_STRINGS_BYTES = 1 << 30


class FileProblem(Exception):
    """A whole file cannot be read; said in Chinese and English."""

    def __init__(self, zh: str, en: str, code: str = "unreadable") -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en
        self.code = code


def too_wide(columns: int) -> FileProblem:
    return FileProblem(
        f"表头有 {columns} 列，超过上限 {MAX_COLUMNS} 列：这不是一张数据契约的表",
        f"the header has {columns} columns, more than the limit of {MAX_COLUMNS}: "
        "this is not a contract table", "too_wide")
