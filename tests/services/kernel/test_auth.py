"""Log-in, lock-out after five wrong passwords, password change and reset, electronic signature."""

from __future__ import annotations

import pytest

from quzhou_desktop.core.errors import PermissionDenied, ValidationError
from quzhou_desktop.services.kernel import auth
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.passwords import check_password, hash_password
from quzhou_desktop.services.kernel.roles import Role
from tests.support.world import PASSWORD, World


def _fresh(world: World) -> AppContext:
    return AppContext(world.db, clock=world.clock)


def test_password_hash_is_scrypt_salted_and_checks() -> None:
    h1, h2 = hash_password("村务公开2026"), hash_password("村务公开2026")
    assert h1.startswith("scrypt$") and h1 != h2
    assert check_password("村务公开2026", h1) and not check_password("村务公开2025", h1)
    assert not check_password("x", "garbage")


def test_login_sets_user_with_role_label(world: World) -> None:
    ctx = _fresh(world)
    u = auth.login(ctx, " admin ", PASSWORD)
    assert ctx.user == u and u.role is Role.TOWNSHIP_ADMIN and u.role_label == "乡镇管理员"


@pytest.mark.parametrize("attempt,left", [(1, 4), (2, 3), (3, 2), (4, 1)])
def test_wrong_password_says_attempts_left(world: World, attempt: int, left: int) -> None:
    ctx = _fresh(world)
    for _ in range(attempt - 1):
        with pytest.raises(auth.LoginFailed):
            auth.login(ctx, "admin", "wrong-password")
    with pytest.raises(auth.LoginFailed) as exc:
        auth.login(ctx, "admin", "wrong-password")
    assert str(exc.value) == "用户名或密码不正确（连续输错5次，账号将锁定15分钟）"


def test_fifth_failure_locks_for_fifteen_minutes_even_with_right_password(world: World) -> None:
    ctx = _fresh(world)
    for _ in range(4):
        with pytest.raises(auth.LoginFailed):
            auth.login(ctx, "admin", "wrong-password")
    with pytest.raises(auth.AccountLocked, match="已锁定"):
        auth.login(ctx, "admin", "wrong-password")
    with pytest.raises(auth.AccountLocked, match="15分钟"):
        auth.login(ctx, "admin", PASSWORD)
    world.clock.advance(minutes=14)
    with pytest.raises(auth.AccountLocked, match="1分钟"):
        auth.login(ctx, "admin", PASSWORD)
    world.clock.advance(minutes=1, seconds=1)
    assert auth.login(ctx, "admin", PASSWORD).username == "admin"


def test_unknown_user_gives_the_same_message(world: World) -> None:
    with pytest.raises(auth.LoginFailed, match="用户名或密码不正确"):
        auth.login(_fresh(world), "nobody", PASSWORD)


def test_failed_logins_are_audited(world: World) -> None:
    from sqlalchemy import select

    from quzhou_desktop.store.models import AuditEntry

    with pytest.raises(auth.LoginFailed):
        auth.login(_fresh(world), "admin", "wrong-password")
    with world.db.read() as s:
        actions = s.scalars(select(AuditEntry.action)).all()
    assert "auth.login_failed" in actions


def test_new_user_must_change_password_then_can(world: World) -> None:
    clerk = world.new_user("wenshu", Role.CLERK)
    assert auth.must_change_password(clerk)
    with pytest.raises(ValidationError, match="密码：至少需要8个字符"):
        auth.change_password(clerk, PASSWORD, "short")
    with pytest.raises(auth.WrongOldPassword, match="原密码：不正确"):
        auth.change_password(clerk, "not-the-old-one", "new-pass-2026")
    auth.change_password(clerk, PASSWORD, "new-pass-2026")
    assert not auth.must_change_password(clerk)
    assert auth.login(_fresh(world), "wenshu", "new-pass-2026").role is Role.CLERK


def test_admin_reset_unlocks_and_forces_change(world: World) -> None:
    clerk = world.new_user("wenshu", Role.CLERK)
    ctx = _fresh(world)
    for _ in range(5):
        with pytest.raises((auth.LoginFailed, auth.AccountLocked)):
            auth.login(ctx, "wenshu", "wrong-password")
    auth.reset_password(world.admin, clerk.require_user().id, "temp-pass-99", credential=PASSWORD)
    assert auth.login(ctx, "wenshu", "temp-pass-99").username == "wenshu"
    assert auth.must_change_password(ctx)


def test_only_admin_can_reset(world: World) -> None:
    clerk = world.new_user("wenshu", Role.CLERK)
    with pytest.raises(PermissionDenied, match="不能管理用户"):
        auth.reset_password(clerk, world.admin.require_user().id, "temp-pass-99", credential=PASSWORD)


def test_signature_needs_the_right_password(world: World) -> None:
    assert auth.confirm_signature(world.admin, PASSWORD).username == "admin"
    with pytest.raises(auth.SignatureFailed, match="签名未完成"):
        auth.confirm_signature(world.admin, "wrong")


def test_unknown_user_and_wrong_password_get_the_same_words(world: World) -> None:
    messages = set()
    for name in ("admin", "nobody", "admin", "nobody"):
        with pytest.raises(auth.LoginFailed) as exc:
            auth.login(_fresh(world), name, "wrong-password")
        messages.add(str(exc.value))
    assert messages == {"用户名或密码不正确（连续输错5次，账号将锁定15分钟）"}


def test_unknown_user_costs_what_a_wrong_password_costs(world: World) -> None:
    """Medians over several tries: both run one password check and one audited write. Before, an unknown
    name answered at once (no password check), some 50× faster."""
    import statistics
    import time

    def timed(name: str) -> float:
        t0 = time.perf_counter()
        with pytest.raises(auth.LoginFailed):
            auth.login(_fresh(world), name, "wrong-password")
        return time.perf_counter() - t0

    unknown: list[float] = []
    wrong: list[float] = []
    for i in range(9):
        unknown.append(timed("nobody"))
        wrong.append(timed("admin"))
        if i % 4 == 3:  # stay below the lock-out
            auth.login(_fresh(world), "admin", PASSWORD)
    a, b = statistics.median(unknown), statistics.median(wrong)
    assert min(a, b) > 0.005  # the password check ran both times
    assert abs(a - b) < 0.5 * max(a, b), (a, b)


def test_unknown_user_attempts_are_audited_without_the_name_typed(world: World) -> None:
    from sqlalchemy import select

    from quzhou_desktop.store.models import AuditEntry

    with pytest.raises(auth.LoginFailed):
        auth.login(_fresh(world), "my-secret-password", "x")
    with world.db.read() as s:
        e = s.scalars(select(AuditEntry).where(AuditEntry.action == "auth.login_unknown")).one()
    assert e.username == "?" and "my-secret-password" not in (e.after_json or "")


def test_disabled_account_is_named_only_to_the_right_password(world: World) -> None:
    from quzhou_desktop.services.kernel import users

    clerk = world.new_user("wenshu", Role.CLERK)
    info = users.list_users(world.admin)
    u = next(i for i in info if i.username == "wenshu")
    users.update_user(world.admin, u.id, display_name="wenshu", role=Role.CLERK, village_ids=list(u.village_ids),
                      person_id=None, active=False, credential=PASSWORD)  # fmt: skip
    with pytest.raises(auth.LoginFailed):
        auth.login(_fresh(world), "wenshu", "wrong-password")
    with pytest.raises(auth.AccountDisabled):
        auth.login(_fresh(world), "wenshu", PASSWORD)
    assert clerk.user is not None
