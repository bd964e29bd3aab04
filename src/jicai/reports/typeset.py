"""PDF documents typeset by Typst from the package's templates (``reports/templates``).

A document's data goes into a JSON file beside a copy of its template; Typst reads
it (``json(sys.inputs.data)``), lays the pages out and embeds the subset of the Noto
CJK fonts it used. No PDF is written by hand.
"""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path
from typing import Any

from jicai.errors import JicaiError
from jicai.reports.charts import font_dir

TEMPLATES = ("common.typ", "document.typ")


def stage(work: Path) -> Path:
    """Copy the templates into ``work`` (Typst reads files under one root)."""
    work.mkdir(parents=True, exist_ok=True)
    pkg = resources.files("jicai.reports") / "templates"
    for name in TEMPLATES:
        with resources.as_file(pkg / name) as src:
            shutil.copyfile(src, work / name)
    return work


def compile_pdf(work: Path, template: str, data: dict[str, Any], out: Path,
                data_name: str = "data.json") -> Path:
    """Typeset ``template`` (staged in ``work``) with ``data`` into the PDF ``out``."""
    import typst

    (work / data_name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    try:
        typst.compile(str(work / template), output=str(out), root=str(work),
                      font_paths=[str(font_dir())], ignore_system_fonts=True,
                      sys_inputs={"data": data_name})
    except Exception as exc:  # typst raises its own error type with the diagnostics
        raise JicaiError(f"PDF 排版失败（{template}）：{exc}",
                         f"typesetting {template} failed: {exc}") from exc
    return out
