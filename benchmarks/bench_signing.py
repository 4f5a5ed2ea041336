"""What signing adds to an act: the same 村监会 review of a voucher, with and without its signature, in one run.

On a copy of the reference township (made before signing keys: its first administrator establishes the root,
and the reviewing chair gets a key at login, as after an upgrade), a clerk submits a fresh voucher and the chair
reviews it with the password — the whole service call, ``review_voucher``. Every other review runs with the
signing step replaced by a stub that only names an act id, so it skips exactly what signing adds: the
statement's content (voucher fields and scan digests), the chain head, the Ed25519 signature, and the
``signed_act`` row with its audit entry. The key derivation runs in both (the password is checked at every act
either way, and unsealing the key is that same derivation). The budget is on the difference of the medians.
"""

from __future__ import annotations

import shutil
import statistics
import time
from typing import Any

from benchmarks.assets import Assets
from benchmarks.gen.common import ADMIN_USERNAME, BENCH_PASSWORD
from benchmarks.measure import Measurement

ADDED_MS = 20.0


def signing(assets: Assets, repeat: int) -> list[Measurement]:
    from quzhou_desktop.services.kernel import auth, trust
    from quzhou_desktop.services.kernel.context import AppContext
    from quzhou_desktop.services.vouchers import common
    from quzhou_desktop.services.vouchers.flow import review_voucher
    from quzhou_desktop.services.vouchers.voucher import VoucherFields, create_voucher, submit_voucher
    from quzhou_desktop.store.db import Database
    from quzhou_desktop.store.models import new_uuid

    copy = assets.scratch / "signing.sqlite3"
    for p in assets.scratch.glob("signing.sqlite3*"):
        p.unlink()
    shutil.copyfile(assets.db, copy)
    db = Database(copy)
    try:
        admin = AppContext(db)
        auth.login(admin, ADMIN_USERNAME, BENCH_PASSWORD)
        t0 = time.perf_counter()
        if trust.needs_root(admin):
            trust.establish_root(admin, BENCH_PASSWORD)
        adopt_s = time.perf_counter() - t0
        clerk, chair = AppContext(db), AppContext(db)
        auth.login(clerk, "clerk01", BENCH_PASSWORD)
        auth.login(chair, "sup_chair01", BENCH_PASSWORD)
        village = next(iter(clerk.require_user().village_ids))
        real_sign = getattr(common, "sign_act")  # noqa: B009 (the name the module signs through)

        class _Stub:
            def __init__(self) -> None:
                self.id = new_uuid()

        def unsigned(*_a: Any, **_k: Any) -> _Stub:
            return _Stub()

        real_content = getattr(common, "voucher_content")  # noqa: B009
        step_ms: list[float] = []  # inside the signed reviews: the statement's content and the signing

        def timed_sign(*a: Any, **k: Any) -> Any:
            t = time.perf_counter()
            out = real_sign(*a, **k)
            step_ms.append((time.perf_counter() - t) * 1000)
            return out

        def timed_content(*a: Any, **k: Any) -> Any:
            t = time.perf_counter()
            out = real_content(*a, **k)
            step_ms.append((time.perf_counter() - t) * 1000)
            return out

        signed_ms: list[float] = []
        plain_ms: list[float] = []
        n = max(repeat, 15) * 2
        for i in range(n):
            fields = VoucherFields(
                number=f"S{i:04d}",
                voucher_date=clerk.clock.today(),
                handler_name="基准经手人",
                payee="基准收款单位",
                purpose="签名耗时基准",
                amount_fen=12_300 + i,
                invoice_count=1,
                funding_source="村集体经营收入",
            )
            vid, _ = create_voucher(clerk, village, fields)
            submit_voucher(clerk, vid)
            with_signature = i % 2 == 0
            setattr(common, "sign_act", timed_sign if with_signature else unsigned)  # noqa: B010
            setattr(common, "voucher_content", timed_content if with_signature else real_content)  # noqa: B010
            try:
                t = time.perf_counter()
                review_voucher(chair, vid, "correct", "基准：请补充说明", BENCH_PASSWORD)
                (signed_ms if with_signature else plain_ms).append((time.perf_counter() - t) * 1000)
            finally:
                setattr(common, "sign_act", real_sign)  # noqa: B010
                setattr(common, "voucher_content", real_content)  # noqa: B010
    finally:
        db.dispose()
        for p in assets.scratch.glob("signing.sqlite3*"):
            p.unlink()
    pairs = [a - b for a, b in zip(signed_ms, plain_ms, strict=True)]
    added = statistics.median(pairs)
    return [
        Measurement("signing: time a signed act adds (村监会审核 of a voucher, whole call)", "ms", [added], "ms",
                    ADDED_MS, note=f"median over {len(pairs)} pairs of (signed review − the next unsigned one), "
                    f"alternating, on a copy of the reference DB (median of the signed reviews minus median of "
                    f"the unsigned: {statistics.median(signed_ms) - statistics.median(plain_ms):.1f} ms); the key "
                    "derivation runs in both"),
        Measurement("  … of which the signing step itself: statement content, Ed25519, signed_act row (info)", "ms",
                    [a + b for a, b in zip(step_ms[::2], step_ms[1::2], strict=True)], "ms", 0.0),
        Measurement("  … the signed review (info)", "ms", signed_ms, "ms", 0.0),
        Measurement("  … the same review without its signature (info)", "ms", plain_ms, "ms", 0.0),
        Measurement("  … establishing the root over the reference township's accounts (info, once)", "s",
                    [adopt_s], "s", 0.0),
    ]  # fmt: skip
