"""The shapes every Excel reader returns: column specs, rows, problems, the table.

``read_table`` (reports/xlsx_read.py) and the .xls reader fill these; importers (and the
proposal list) consume them. Kept apart so the reading modules can share them without
importing each other.
"""
from dataclasses import dataclass, field

DEFAULT_MAX_LEN = 300

# A cell that held a formula whose result Excel never saved.
FORMULA_NO_VALUE = object()


class FormulaError(str):
    """A cell showing an Excel error (#N/A, #DIV/0!, #REF! …) instead of a value."""

KINDS = ("text", "name", "int", "year", "number", "money", "date", "gender")


@dataclass
class ColumnSpec:
    """One column the caller wants: ``field`` in code, ``label`` and ``synonyms`` as headers.

    kind: text | name | int | year | number (Decimal) | money (int đồng) | date | gender.
    """
    field: str
    label: str
    synonyms: tuple = ()
    required: bool = False
    kind: str = "text"
    max_len: int = DEFAULT_MAX_LEN

    def names(self):
        return (self.label,) + tuple(self.synonyms)


@dataclass(slots=True)
class Problem:
    """A problem found in the file, located as precisely as possible."""
    sheet: str
    row: int | None
    column_letter: str | None
    column_label: str | None
    message: str
    field: str | None = None

    def where(self):
        parts = [f"Trang tính '{self.sheet}'"] if self.sheet else []
        if self.row is not None:
            parts.append(f"dòng {self.row}")
        if self.column_letter:
            col = f"cột {self.column_letter}"
            if self.column_label:
                col += f" ({self.column_label})"
            parts.append(col)
        elif self.column_label:
            parts.append(f"cột {self.column_label}")
        return ", ".join(parts)

    def __str__(self):
        where = self.where()
        return f"{where}: {self.message}" if where else self.message


@dataclass(slots=True)                 # up to 200,000 of them: no per-instance dict
class Row:
    """One data row: parsed ``values`` by field, ``shown`` text by field, its problems."""
    number: int                       # row number in Excel (1-based)
    values: dict = field(default_factory=dict)
    shown: dict = field(default_factory=dict)
    converted: dict = field(default_factory=dict)   # field → encoding name ("TCVN3", "VNI")
    problems: list = field(default_factory=list)
    hidden: bool = False

    @property
    def ok(self):
        return not self.problems

    def problem_fields(self):
        return {p.field for p in self.problems if p.field}


@dataclass
class Table:
    path: str
    sheet: str
    sheet_names: list
    specs: list
    header_row: int | None = None
    header_rows: int = 1
    columns: dict = field(default_factory=dict)      # field → 1-based column index
    headers: dict = field(default_factory=dict)      # field → header text found in the file
    rows: list = field(default_factory=list)
    problems: list = field(default_factory=list)      # file/sheet-level problems
    encodings: dict = field(default_factory=dict)     # "TCVN3"/"VNI" → converted cell count
    notes: list = field(default_factory=list)         # Problems that are not errors: rows
    #                                                   left out (totals, signatures), sheet chosen
    merged: list = field(default_factory=list)        # (min_row, min_col, max_row, max_col)
    gender_pair: tuple | None = None                  # (col "Nam", col "Nữ") when gender is
    #                                                   given by which column holds the birth date

    def column_letter(self, field_name):
        idx = self.columns.get(field_name)
        return column_letter(idx) if idx else None

    def all_problems(self):
        out = list(self.problems)
        for row in self.rows:
            out.extend(row.problems)
        return out

    @property
    def valid_rows(self):
        return [r for r in self.rows if r.ok]


def column_letter(index):
    letters = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
