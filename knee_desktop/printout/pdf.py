"""The report on paper: a PDF (QPdfWriter) or a printer (QPrinter), with Qt's own text layout.

One or two pages of A4, or Letter where the locale uses it: the text shrinks a little, then
the oldest notes are left out, until it fits. Each page has a footer with the page number,
the app and when it was made. The PDF is made in memory, then written through
``common.safe_write``: an existing file is replaced only with ``force`` (a link, folder or
device never), whole or not at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from PySide6.QtCore import QBuffer, QIODevice, QLocale, QMarginsF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QFont,
    QGuiApplication,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)

from knee_desktop.common import safe_write
from knee_desktop.common.errors import KneeError
from knee_desktop.history.report import Report
from knee_desktop.printout.html import day_text, page
from knee_desktop.printout.trend import has_trend, trend_image

Paper = Literal["a4", "letter"]
MAX_PAGES = 2
FONT_SIZES = (9.5, 9.0, 8.5, 8.0, 7.5)  # points, largest that fits
NOTE_COUNTS = (12, 8, 5, 3, 1, 0)  # the most recent notes shown, most that fit
RESOLUTION = 300  # dots per inch of the PDF's layout (the text stays text)
MARGIN_MM = 15.0
# Territories whose paper is Letter (the rest of the world uses A4).
LETTER = {QLocale.Country.UnitedStates, QLocale.Country.Canada, QLocale.Country.Mexico,
          QLocale.Country.Philippines, QLocale.Country.Chile, QLocale.Country.Colombia,
          QLocale.Country.Venezuela, QLocale.Country.CostaRica,
          QLocale.Country.Guatemala, QLocale.Country.PuertoRico}


class ReportError(KneeError):
    """The report could not be written; the message names the file and why."""


def paper_of(locale: QLocale | None = None) -> Paper:
    return "letter" if (locale or QLocale.system()).territory() in LETTER else "a4"


def layout_of(paper: Paper) -> QPageLayout:
    size = QPageSize(QPageSize.PageSizeId.Letter if paper == "letter"
                     else QPageSize.PageSizeId.A4)
    return QPageLayout(size, QPageLayout.Orientation.Portrait,
                       QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM + 6),
                       QPageLayout.Unit.Millimeter)


def document(report: Report, device: QPagedPaintDevice) -> QTextDocument:
    """The report laid out for ``device``'s pages, in at most MAX_PAGES if it can be."""
    rect = device.pageLayout().paintRectPixels(device.logicalDpiX())
    doc = QTextDocument()
    doc.documentLayout().setPaintDevice(device)  # point sizes in the device's dots
    doc.setPageSize(QSizeF(rect.width(), rect.height()))
    doc.setDocumentMargin(0)
    picture = ""
    if has_trend(report.weeks):
        image = trend_image(report.weeks)
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl("knee-trend"), image)
        # An <img>'s size is in 96-dpi pixels; the layout scales it to the device.
        width = round(rect.width() * 0.94 * 96 / device.logicalDpiX())
        picture = (f"<img src='knee-trend' width='{width}' "
                   f"height='{round(width * image.height() / image.width())}'>")
    for shown in NOTE_COUNTS:
        for size in FONT_SIZES:
            font = QFont("DejaVu Sans")
            font.setPointSizeF(size)
            doc.setDefaultFont(font)
            doc.setHtml(page(report, shown, picture))
            keep_paragraphs_whole(doc)
            if doc.pageCount() <= MAX_PAGES:
                return doc
    return doc  # still long (a very long period): every page is printed


def keep_paragraphs_whole(doc: QTextDocument) -> None:
    """A paragraph that would run over a page break starts on the next page instead (and a
    heading that would end a page goes with its paragraph): Qt
    draws the last line above a page's top again, clipped away but still in the PDF's text
    (a copy, or `pdftotext`, would show that line twice)."""
    height = doc.pageSize().height()
    layout = doc.documentLayout()

    def page_of(y: float) -> int:
        return int(y // height)

    for _ in range(20):  # one move at a time: the blocks after it are laid out again
        block = doc.begin()
        while block.isValid():
            box = layout.blockBoundingRect(block)
            after = block.next()
            split = (block.layout().lineCount() > 1
                     and page_of(box.bottom() - 1) > page_of(box.top()))
            # A heading stays with what follows it (not alone at the foot of a page).
            orphan = (block.blockFormat().headingLevel() > 0 and after.isValid()
                      and after.layout().lineCount() > 0
                      and page_of(after.layout().position().y()
                                  + after.layout().lineAt(0).y()) > page_of(box.top()))
            fmt = block.blockFormat()
            moved = fmt.pageBreakPolicy() & QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore
            if (split or orphan) and not moved and not QTextCursor(block).currentTable():
                fmt.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
                QTextCursor(block).setBlockFormat(fmt)
                doc.markContentsDirty(0, doc.characterCount())
                doc.pageCount()  # lays the whole document out again
                break
            block = after
        else:
            return


def paint(report: Report, device: QPagedPaintDevice) -> int:
    """Draw the report on ``device`` page by page; returns the number of pages."""
    doc = document(report, device)
    rect = device.pageLayout().paintRectPixels(device.logicalDpiX())
    height = float(rect.height())
    pages = doc.pageCount()
    footer_font = QFont("DejaVu Sans")
    footer_font.setPointSizeF(7.5)
    painter = QPainter()
    if not painter.begin(device):
        raise ReportError("The report could not be drawn (the printer or file refused it).")
    try:
        for n in range(pages):
            if n:
                device.newPage()
            painter.save()
            painter.translate(0, -n * height)
            # A line that ends on the page's edge belongs to one page only: the clip is a
            # hair inside it (text outside the clip is not drawn at all, not even hidden).
            doc.drawContents(painter, QRectF(0, n * height + 0.5, rect.width(), height - 1))
            painter.restore()
            painter.setFont(footer_font)
            footer = (f"Page {n + 1} of {pages} · {report.app} · made "
                      f"{day_text(report.made.date())} · 0 = no pain, 10 = the worst pain")
            painter.drawText(QRectF(0, height + 10, rect.width(), height / 20),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
                             footer)
    finally:
        painter.end()
    return pages


def write_pdf(report: Report, path: Path, *, force: bool = False,
              paper: Paper | None = None) -> int:
    """Write the report to ``path``; returns its number of pages. :class:`ReportError` if it
    cannot be written, with nothing left behind (``common.safe_write``: an existing file
    only with ``force``, never a link or a special file, replaced whole or not at all)."""
    check(path, force=force)  # before the work, not after
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(RESOLUTION)
    writer.setPageLayout(layout_of(paper or paper_of()))
    writer.setTitle("Knee exercise report")
    writer.setCreator(report.app)
    pages = paint(report, writer)  # the PDF is complete when its painter ends
    data = bytes(buffer.data().data())
    if not data.startswith(b"%PDF"):
        raise ReportError(f"The report for {path} could not be made.")
    try:
        safe_write.write_atomic(path, data, replace=force)
    except safe_write.UnsafeTarget as exc:
        raise ReportError(str(exc)) from None
    except OSError as exc:
        raise ReportError(f"Cannot write {path}: {exc.strerror or exc}.") from None
    return pages


def check(path: Path, *, force: bool = False) -> None:
    """:class:`ReportError` unless ``path`` may be written (see :func:`write_pdf`)."""
    try:
        safe_write.check_target(path, replace=force)
    except safe_write.UnsafeTarget as exc:
        raise ReportError(str(exc)) from None


def headless_app() -> QGuiApplication:
    """A QGuiApplication for the terminal, on the offscreen platform (no display needed, and
    none used where there is one), unless the process has one already."""
    app = QGuiApplication.instance()
    if isinstance(app, QGuiApplication):
        return app
    return QGuiApplication(["knee-desktop", "-platform", "offscreen"])
