"""Official documents in the format of Hướng dẫn 36-HD/VPTW: plain data in, PDF or .docx bytes out.

Nothing in this package queries the database: selectors (``reports/selectors.py``) build the plain
``OfficialDocument`` data, and ``pdf.render`` / ``docx.render`` turn it into bytes in one shared layout.
"""
