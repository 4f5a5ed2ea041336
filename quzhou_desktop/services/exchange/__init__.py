"""The data exchange between sites on separate PCs: enrolment, signed packages (上报数据包 / 下发数据包),
receipts (回执), waiting packages, conflicts and forks. The format is described in docs/EXCHANGE.md.

Modules: ``package`` (the file format), ``identity`` (this site and its key), ``enrol`` (enrolment files and
answers), ``export`` (writing packages), ``signed`` (the signed acts and keys a package carries), ``apply``
(importing packages), ``acts`` (checking and keeping the signed acts and keys received), ``receipts``
(writing and importing receipts), ``status`` (what the 数据交换 screen and ``exchange status`` show),
``settle`` (conflicts, forks).
"""
