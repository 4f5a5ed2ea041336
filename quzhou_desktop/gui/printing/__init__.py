"""打印: PDF preview / print / save, 核验 of printed codes, 设置 → 打印 (fonts) and batch printing.

Section pages call ``gui.printing.actions.preview_notice(parent, ctx, kind, record_id)``.
"""
