"""Which text encoding a CSV file is in: UTF-8 (a BOM allowed) or GB18030.

GB18030 covers GBK and GB2312, what Excel on a Chinese Windows writes. The file is
read from the start until its first non-ASCII bytes (plain ASCII reads the same in
both), which are then decoded as UTF-8 first and as GB18030 second. A file that is
neither — or holds NUL bytes, which no text file does — is not a CSV.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "x.csv"
>>> _ = p.write_bytes("名称\\n甲\\n".encode("gb18030"))
>>> detect(p)
'gb18030'
"""

from __future__ import annotations

import codecs
from pathlib import Path

from jicai.contract.limits import FileProblem

UTF8 = "utf-8"
UTF8_BOM = "utf-8-sig"
GB18030 = "gb18030"

_CHUNK = 1 << 20
# A file whose first 64 MB are plain ASCII is taken as UTF-8 without reading further
# (a bureau's 10-million-line export of codes and numbers); DuckDB still refuses bytes
# that are not UTF-8 later in the file.
_SCAN_LIMIT = 64 << 20
_SAMPLE = 4 << 20


def detect(path: Path) -> str:
    """``utf-8``, ``utf-8-sig`` (a UTF-8 BOM) or ``gb18030``; FileProblem otherwise."""
    with path.open("rb") as fh:
        head = fh.read(_CHUNK)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            # Excel's "Unicode text" export: tab-separated UTF-16.
            raise FileProblem("文件是 UTF-16 编码（Excel 的“Unicode 文本”）：请另存为“CSV UTF-8（逗号分隔）”",
                              "the file is UTF-16 (Excel's \"Unicode text\"): save it as "
                              "\"CSV UTF-8 (comma delimited)\"")
        if head.startswith(codecs.BOM_UTF8):
            _check_text(head)
            return UTF8_BOM
        scanned = 0
        chunk = head
        while chunk:
            _check_text(chunk)
            if not chunk.isascii():
                start = next(i for i, b in enumerate(chunk) if b > 0x7F)
                sample = chunk[start:] + fh.read(max(0, _SAMPLE - len(chunk)))
                return _decide(sample)
            scanned += len(chunk)
            if scanned >= _SCAN_LIMIT:
                return UTF8
            chunk = fh.read(_CHUNK)
    return UTF8


def _check_text(data: bytes) -> None:
    if b"\x00" in data:
        raise FileProblem("文件含有二进制内容（NUL 字节），不是 CSV 文本文件",
                          "the file holds binary content (NUL bytes): it is not a CSV text file")


def _decide(sample: bytes) -> str:
    for encoding in (UTF8, GB18030):
        try:
            # Not final: the sample may end inside a character.
            codecs.getincrementaldecoder(encoding)(errors="strict").decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        return encoding
    raise FileProblem("文件编码无法识别：应为 UTF-8 或 GB18030（GBK）",
                      "the file's encoding is not recognised: expected UTF-8 or GB18030 (GBK)")


def transcode(path: Path, encoding: str, out: Path) -> None:
    """Write ``path`` (in ``encoding``) to ``out`` as UTF-8; FileProblem at a bad byte."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    offset = 0
    with path.open("rb") as src, out.open("w", encoding=UTF8, newline="") as dst:
        while True:
            chunk = src.read(_CHUNK)
            try:
                dst.write(decoder.decode(chunk, final=not chunk))
            except UnicodeDecodeError as exc:
                at = offset + exc.start
                raise FileProblem(f"第 {at} 字节处不是有效的 {encoding.upper()} 编码",
                                  f"byte {at} is not valid {encoding.upper()}") from exc
            if not chunk:
                break
            offset += len(chunk)
