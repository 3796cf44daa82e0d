"""DOCX layout primitives (python-docx): Times New Roman runs, tables, page numbers."""

from __future__ import annotations

from docx.blkcntnr import BlockItemContainer
from docx.document import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Cm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

FONT = "Times New Roman"


def font(
    run: Run, size: float = 13, bold: bool = False, italic: bool = False, underline: bool = False
) -> Run:
    """Set a run in Times New Roman (every script slot, so no viewer falls back to another)."""
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    run.font.underline = underline
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)
    return run


def para(  # noqa: PLR0913 - python-docx run and paragraph properties, named at every call
    container: Document | BlockItemContainer,
    text: str = "",
    size: float = 13,
    bold: bool = False,
    italic: bool = False,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY,
    underline: bool = False,
    space_after: float = 3,
    indent: bool = False,
) -> Paragraph:
    """A paragraph with one run; body paragraphs indent their first line (ND 30: 1-1.27 cm)."""
    p = container.add_paragraph()
    p.alignment = align
    p.paragraph_format.space_after = Pt(space_after)
    p.paragraph_format.space_before = Pt(0)
    if indent:
        p.paragraph_format.first_line_indent = Cm(1)
    if text:
        font(p.add_run(text), size, bold, italic, underline)
    return p


def no_borders(table: Table) -> None:
    """A layout table without lines (header and signature blocks)."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def cell_text(
    cell: _Cell,
    text: str,
    size: float = 11,
    bold: bool = False,
    italic: bool = False,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER,
    underline: bool = False,
) -> None:
    """Replace a cell's text with one run."""
    cell.text = ""
    p = cell.paragraphs[0]
    p.alignment = align
    p.paragraph_format.space_after = Pt(0)
    font(p.add_run(text), size, bold, italic, underline)


def cell_line(
    cell: _Cell,
    text: str,
    size: float = 13,
    bold: bool = False,
    italic: bool = False,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER,
    space_before: float = 0,
) -> None:
    """Add one more line (paragraph) to a cell."""
    p = cell.add_paragraph()
    p.alignment = align
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.space_before = Pt(space_before)
    font(p.add_run(text or " "), size, bold, italic)


def grid(doc: Document, headers: list[str], rows: list[list[str]], widths: list[float]) -> Table:
    """A bordered data table with a bold header row repeated on every page."""
    table: Table = doc.add_table(rows=1, cols=len(headers))  # python-docx leaves it untyped
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, h in enumerate(headers):
        cell_text(table.rows[0].cells[i], h, 10, bold=True)
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)
    for row in rows:
        cells = table.add_row().cells
        for i, value in enumerate(row):
            numeric = value[:1].isdigit() or value == "–"
            align = WD_ALIGN_PARAGRAPH.RIGHT if numeric and i else WD_ALIGN_PARAGRAPH.LEFT
            if i == 0 and numeric:
                align = WD_ALIGN_PARAGRAPH.CENTER
            cell_text(cells[i], value, 10, align=align)
    widths_of(table, widths)
    return table


def widths_of(table: Table, widths: list[float]) -> None:
    """Fixed column widths (grid and cells) so every viewer lays the table out the same."""
    table.autofit = False
    for i, w in enumerate(widths):
        table.columns[i].width = Cm(w)
        for cell in table.columns[i].cells:
            cell.width = Cm(w)


def page_numbers_from_second_page(section: Section, size: float = 13) -> None:
    """Page numbers centred in the top margin, not shown on the first page (ND 30/2020)."""
    section.different_first_page_header_footer = True
    section.header_distance = Cm(1)
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = font(p.add_run(), size)
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = " PAGE "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    shown = OxmlElement("w:t")
    shown.text = "2"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for el in (begin, code, separate, shown, end):
        run._element.append(el)
    section.first_page_header.is_linked_to_previous = False
