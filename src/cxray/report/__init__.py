"""The X-ray report: one self-contained HTML file (:func:`cxray.report.html.render_html`) and
an XLSX twin (:func:`cxray.report.xlsx.write_xlsx`), rendered from ``session.report().value``
(:class:`cxray.api.report.ReportData`)."""
