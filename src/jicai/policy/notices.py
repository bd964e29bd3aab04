"""The four notices by the short names profiles cite them with, and as a Chinese reader
names them.

Clauses are kept as cited (``HENAN 二(九)``) in alerts.csv and every machine-readable
output; documents and pages in Chinese show :func:`clause_zh` (``河南 二(九)``).

>>> clause_zh("HENAN 二(九); JILIN 第十三、十五条")
'河南 二(九)；吉林 第十三、十五条'
"""

from __future__ import annotations

NOTICES_ZH: dict[str, str] = {
    "HENAN": "河南",  # 豫医保办〔2025〕42号
    "GANZHOU": "赣州",  # 赣市医保字〔2023〕28号
    "JILIN": "吉林",  # 吉医保联〔2025〕14号
    "GUANGDONG": "广东",  # 广东省医疗保障局办公室指导意见 (2025-12-01)
}


def clause_zh(text: str | None) -> str:
    """A cited clause in Chinese: notices by their Chinese short names, Chinese separators."""
    if not text:
        return ""
    for short, zh in NOTICES_ZH.items():
        text = text.replace(short, zh)
    return text.replace("; ", "；").replace(";", "；")
