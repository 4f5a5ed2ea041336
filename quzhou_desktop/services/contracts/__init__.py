"""集体合同与资产资源台账: the asset register (``assets``), contracts with their parties, schedules and deposits
(``contract``), the registers' lazy pages (``query``), payments tied to vouchers, ledger lines or receipts and the
schedule's C34 states (``payments``), and the 工作台 reminders and the 村监会's C33 queue (``reminders``)."""
