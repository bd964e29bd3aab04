"""A document as blocks (headings, paragraphs, tables, charts, signature), written twice:
as DOCX by python-docx (what a bureau edits and stamps) and as PDF by Typst.

The circular, the annual report and the PDF 一院一档 build a :class:`Doc`; the two
writers below lay it out. Text is already formatted (numbers as a bureau writes
them); the writers only place it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Heading:
    text: str
    level: int = 1


@dataclass
class Para:
    text: str
    indent: bool = True
    bold_lead: str = ""  # a bold run before the text (e.g. "（一）执行不力。")


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    numeric: tuple[int, ...] = ()  # right-aligned columns
    widths: tuple[float, ...] = ()  # relative widths
    caption: str = ""


@dataclass
class Image:
    path: Path
    caption: str


@dataclass
class Signature:
    lines: list[str]  # issuer(s), then the date


Block = Heading | Para | Table | Image | Signature


@dataclass
class Doc:
    title: str  # "\n" where a long title breaks (公文 titles break between words)
    subtitle: str = ""
    addressee: str = ""  # 主送 (the line after the title)
    blocks: list[Block] = field(default_factory=list)
    footer: str = ""
    landscape: bool = False

    def add(self, *blocks: Block) -> Doc:
        self.blocks.extend(blocks)
        return self


# --- DOCX -------------------------------------------------------------------------------

BODY_FONT = "宋体"  # Word on a bureau's PC has these; LibreOffice falls back to Noto CJK
HEAD_FONT = "黑体"
TITLE_FONT = "方正小标宋简体"


def _run_font(run: Any, name: str, size: float | None = None, bold: bool | None = None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = name
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), name)
    if size is not None:
        run.font.size = Pt(size)
    if bold is not None:
        run.bold = bold


def write_docx(doc: Doc, path: Path) -> Path:
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    d = docx.Document()
    d.core_properties.title = doc.title.replace("\n", "")
    d.core_properties.author = "jicai"
    sec = d.sections[0]
    sec.page_height, sec.page_width = Cm(29.7), Cm(21.0)
    if doc.landscape:
        sec.orientation = WD_ORIENT.LANDSCAPE
        sec.page_height, sec.page_width = sec.page_width, sec.page_height
    sec.top_margin, sec.bottom_margin = Cm(3.0), Cm(2.5)
    sec.left_margin, sec.right_margin = Cm(2.6), Cm(2.4)
    normal = d.styles["Normal"]
    normal.font.size = Pt(12)
    normal.font.name = BODY_FONT
    from docx.oxml.ns import qn

    normal.element.rPr.rFonts.set(qn("w:eastAsia"), BODY_FONT)

    p = d.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for k, line in enumerate(doc.title.split("\n")):  # a title breaks where the author says
        r = p.add_run(line)
        _run_font(r, TITLE_FONT, 20, True)
        if k < doc.title.count("\n"):
            r.add_break()
    if doc.subtitle:
        p = d.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        r = p.add_run(doc.subtitle)
        _run_font(r, HEAD_FONT, 10.5)
        r.font.color.rgb = RGBColor(0x40, 0x40, 0x40)
    if doc.addressee:
        p = d.add_paragraph()
        _run_font(p.add_run(doc.addressee), BODY_FONT, 12)

    usable = (sec.page_width - sec.left_margin - sec.right_margin)
    for b in doc.blocks:
        if isinstance(b, Heading):
            p = d.add_paragraph()
            p.paragraph_format.space_before = Pt(8)
            _run_font(p.add_run(b.text), HEAD_FONT, 14 if b.level == 1 else 12, True)
        elif isinstance(b, Para):
            p = d.add_paragraph()
            if b.indent:
                p.paragraph_format.first_line_indent = Pt(24)
            p.paragraph_format.line_spacing = 1.35
            if b.bold_lead:
                _run_font(p.add_run(b.bold_lead), HEAD_FONT, 12, True)
            _run_font(p.add_run(b.text), BODY_FONT, 12)
        elif isinstance(b, Table):
            if b.caption:
                p = d.add_paragraph()
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                _run_font(p.add_run(b.caption), HEAD_FONT, 10.5, True)
            t = d.add_table(rows=1, cols=len(b.headers))
            t.style = "Table Grid"
            t.alignment = WD_TABLE_ALIGNMENT.CENTER
            for j, h in enumerate(b.headers):
                cell = t.rows[0].cells[j]
                cell.text = ""
                _run_font(cell.paragraphs[0].add_run(h), HEAD_FONT, 9, True)
                _shade(cell, "DDE7F3")
            for row in b.rows:
                cells = t.add_row().cells
                for j, v in enumerate(row):
                    cells[j].text = ""
                    para = cells[j].paragraphs[0]
                    if j in b.numeric:
                        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                    _run_font(para.add_run(v), BODY_FONT, 9)
            if b.widths:
                total = sum(b.widths)
                for j, w in enumerate(b.widths):
                    for cell in t.columns[j].cells:
                        cell.width = int(usable * w / total)
            d.add_paragraph()
        elif isinstance(b, Image):
            d.add_picture(str(b.path), width=int(usable))
            p = d.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _run_font(p.add_run(b.caption), HEAD_FONT, 9)
        elif isinstance(b, Signature):
            d.add_paragraph()
            for line in b.lines:
                p = d.add_paragraph()
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                _run_font(p.add_run(line), BODY_FONT, 12)
    d.save(str(path))
    return path


def _shade(cell: Any, colour: str) -> None:
    from docx.oxml.ns import qn

    tcpr = cell._element.get_or_add_tcPr()
    shd = tcpr.makeelement(qn("w:shd"), {qn("w:val"): "clear", qn("w:color"): "auto",
                                         qn("w:fill"): colour})
    tcpr.append(shd)


# --- PDF (Typst) ------------------------------------------------------------------------


def typst_data(doc: Doc, work: Path) -> dict[str, Any]:
    """The JSON the ``document.typ`` template lays out (images copied under ``work``)."""
    import shutil

    blocks: list[dict[str, Any]] = []
    for i, b in enumerate(doc.blocks):
        if isinstance(b, Heading):
            blocks.append({"kind": "heading", "text": b.text, "level": b.level})
        elif isinstance(b, Para):
            blocks.append({"kind": "para", "text": b.text, "indent": b.indent,
                           "lead": b.bold_lead})
        elif isinstance(b, Table):
            blocks.append({"kind": "table", "headers": b.headers, "rows": b.rows,
                           "numeric": list(b.numeric), "caption": b.caption,
                           "widths": [f"{w}fr" for w in b.widths] if b.widths else None})
        elif isinstance(b, Image):
            name = f"img-{i}-{b.path.name}"
            if b.path.resolve() != (work / name).resolve():
                shutil.copyfile(b.path, work / name)
            blocks.append({"kind": "image", "path": name, "caption": b.caption})
        elif isinstance(b, Signature):
            blocks.append({"kind": "signature", "lines": b.lines})
    return {"title": doc.title, "subtitle": doc.subtitle, "addressee": doc.addressee,
            "footer": doc.footer, "landscape": doc.landscape, "blocks": blocks}


def write_pdf(doc: Doc, path: Path, work: Path, data_name: str = "data.json") -> Path:
    from jicai.reports.typeset import compile_pdf, stage

    stage(work)
    return compile_pdf(work, "document.typ", typst_data(doc, work), path, data_name)
