"""A cluster on loopback: two `gongjian serve --no-worker` app servers and two `gongjian worker` processes sharing one
PostgreSQL database (the test database, whose rows this test commits) and Redis (a database of its own for the queue
and cache, another for the second pair of workers). A session opened on one server works on the other, lockout counts failures made on both, the daily jobs enqueued twice (as two workers'
schedulers do) leave one day's worth of cards, reminders and notices, and a worker killed in the middle of the
daily run leaves nothing of that day behind, which a rerun then completes."""

import contextlib
import http.client
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.db import connection, transaction
from django.urls import reverse

from gongjian.audit.models import AuditHead
from gongjian.bench.web import free_port, wait_ready
from gongjian.campaigns import services as campaign_services
from gongjian.campaigns.models import Task
from gongjian.dispatch.jobs import open_periods
from gongjian.dispatch.models import Reminder
from gongjian.org.models import Notification, Person
from gongjian.supervision.models import Card, EscalationState, Notice, SupervisionRun

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL shared by several processes (run "
                       "with DATABASE_URL=postgres://…; CI's PostgreSQL pass does)"),
]

ROOT = Path(__file__).resolve().parents[2]
REDIS = os.environ.get("GONGJIAN_TEST_REDIS", "redis://127.0.0.1:6379")
RACE_DAY = date(2023, 4, 10)  # March's reports are due: reminders go out, and the overdue task is urged
KILL_DAY = date(2023, 4, 11)
LOCKOUT = 3
# The supervision run first, so that the two idle workers take its two copies at the same moment.
DAILY_JOBS = ("gongjian.supervision.jobs.supervise_daily", "gongjian.dispatch.jobs.remind_daily",
              "gongjian.dispatch.jobs.open_periods_daily")


def _redis_databases(count: int) -> list[tuple]:
    """Redis databases nobody uses (so no other test's queue or cache is touched), each claimed with a marker key."""
    import redis

    try:
        redis.Redis.from_url(REDIS).ping()
    except redis.ConnectionError as exc:
        pytest.fail(f"the cluster needs Redis at {REDIS} (GONGJIAN_TEST_REDIS): {exc}")
    claimed = []
    for number in range(15, 0, -1):
        client = redis.Redis.from_url(f"{REDIS}/{number}")
        if client.dbsize() == 0 and client.set("gongjian-cluster-test", os.getpid(), nx=True):
            claimed.append((client, f"{REDIS}/{number}"))
            if len(claimed) == count:
                return claimed
    for client, _ in claimed:
        client.flushdb()
    pytest.fail("no empty Redis databases for the cluster (it never touches one in use)")


class Cluster:
    def __init__(self, tmp_path: Path, redis_url: str, second_queue: str):
        db = connection.settings_dict
        auth = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
        self.env = {**os.environ, "PYTHONPATH": str(ROOT), "REDIS_URL": redis_url,
                    "DATABASE_URL": f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
                    "DEBUG": "false", "GONGJIAN_AUDIT_ANCHOR_FILE": "", "LOCKOUT_FAILURES": str(LOCKOUT),
                    "GONGJIAN_TODAY": RACE_DAY.isoformat()}
        self.second_queue = second_queue
        self.tmp_path = tmp_path
        self.processes: dict[str, subprocess.Popen] = {}
        self.logs: dict[str, Path] = {}

    def start(self, name: str, argv: list[str], **env) -> subprocess.Popen:
        log = self.tmp_path / f"{name}.log"
        self.logs[name] = log
        with log.open("ab") as out:
            # libpq reads PGAPPNAME: each process's connections are named in pg_stat_activity.
            process = subprocess.Popen([sys.executable, "-m", "gongjian.cli", *argv], cwd=ROOT,  # noqa: S603
                                       env={**self.env, "PGAPPNAME": f"gj-{name}", **env}, stdout=out,
                                       stderr=subprocess.STDOUT)
        self.processes[name] = process
        return process

    def server(self, name: str) -> int:
        port = free_port()
        self.start(name, ["serve", "--no-worker", "--port", str(port), "--web-workers", "1", "--threads", "2"])
        return port

    def ready(self, name: str, port: int) -> None:
        wait_ready(port, self.processes[name], what=name)

    def worker(self, name: str, today: date, queue: str) -> subprocess.Popen:
        return self.start(name, ["worker"], GONGJIAN_TODAY=today.isoformat(), REDIS_URL=queue)

    def log(self, name: str) -> str:
        return self.logs[name].read_text(errors="replace")

    def stop(self, process: subprocess.Popen) -> None:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def stop_all(self) -> None:
        for process in self.processes.values():
            with contextlib.suppress(ProcessLookupError):
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            self.stop(process)


@pytest.fixture
def cluster(transactional_db, tmp_path):
    claimed = _redis_databases(2)
    cluster = Cluster(tmp_path, claimed[0][1], claimed[1][1])
    try:
        yield cluster
    finally:
        cluster.stop_all()
        for client, _ in claimed:
            client.flushdb()


@pytest.fixture
def world(cast, campaign, settings):
    """Three tasks, two led by unit A and one by unit B; nobody reported March, whose reports are due on RACE_DAY: the
    overdue task and unit B's are red, unit A's other task yellow."""
    settings.GONGJIAN_TODAY = RACE_DAY
    open_periods(on=RACE_DAY)  # March and April; the raced job finds them there

    def assigned(**fields):
        task = campaign_services.task_create(actor=cast.office, campaign=campaign, **fields)
        return campaign_services.task_assign(actor=cast.office, task=task)

    return [
        assigned(title="建成姜山污水管网", lead_unit=cast.unit_a, start=date(2023, 2, 1), deadline=date(2023, 3, 20)),
        assigned(title="姜山园区招商推介", lead_unit=cast.unit_a, start=date(2023, 2, 1), deadline=date(2023, 12, 29)),
        assigned(title="发改局项目储备", lead_unit=cast.unit_b, start=date(2023, 2, 1), deadline=date(2023, 4, 12)),
    ]


# --- HTTP ------------------------------------------------------------------------------------------------------------

def _request(port: int, method: str, path: str, cookies: dict, form: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    body = None
    if form is not None:
        body = urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    text = response.read().decode(errors="replace")
    for name, value in response.getheaders():
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            cookies[key] = rest.split(";", 1)[0]
    return response.status, response.getheader("Location") or "", text


def _login(port: int, username: str, password: str, cookies: dict | None = None):
    """A real sign-in: the login page's CSRF token, then the form POST. Returns (status, cookies)."""
    cookies = {} if cookies is None else cookies
    status, _, page = _request(port, "GET", "/login/", cookies)
    assert status == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    status, _, _ = _request(port, "POST", "/login/", cookies,
                            {"csrfmiddlewaretoken": token, "username": username, "password": password})
    return status, cookies


# --- Jobs ------------------------------------------------------------------------------------------------------------

def _enqueue(redis_url: str, names: list[str]) -> list[str]:
    """Put jobs on the cluster's queue as a worker's scheduler does; returns their ids."""
    from django.utils.module_loading import autodiscover_modules
    from huey import RedisHuey
    from huey.contrib.djhuey import HUEY

    autodiscover_modules("jobs")
    queue = RedisHuey("gongjian", url=redis_url)
    tasks = [HUEY._registry.string_to_task(name)() for name in names]
    for task in tasks:
        queue.storage.enqueue(HUEY.serialize_task(task))
    return [task.id for task in tasks]


def _wait_started(cluster: Cluster, workers: list[str], timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while not all("consumer started" in cluster.log(name) for name in workers):
        assert time.monotonic() < deadline, "the workers did not start"
        time.sleep(0.2)


def _wait_finished(cluster: Cluster, workers: list[str], ids: list[str], timeout: float = 45.0) -> dict[str, str]:
    """Each job id → "ok" or "failed", read from the workers' logs."""
    deadline = time.monotonic() + timeout
    while True:
        logs = "".join(cluster.log(w) for w in workers)
        outcome = {}
        for task_id in ids:
            if re.search(rf"{task_id} executed in", logs):
                outcome[task_id] = "ok"
            elif f"Unhandled exception in task {task_id}" in logs:
                outcome[task_id] = "failed"
        if len(outcome) == len(ids):
            return outcome
        assert time.monotonic() < deadline, f"jobs did not finish: {set(ids) - set(outcome)}\n{logs[-3000:]}"
        time.sleep(0.2)


def _blocked_backend(cluster: Cluster, workers: tuple[str, ...], timeout: float = 45.0) -> tuple[str, int]:
    """The worker whose database connection waits for a lock, and that connection's backend pid."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            # Inside a transaction the activity view is a snapshot taken at its first read; each look needs a new one.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute("SELECT application_name, pid FROM pg_stat_activity WHERE application_name = ANY(%s) AND "
                           "wait_event_type = 'Lock'", [[f"gj-{name}" for name in workers]])
            row = cursor.fetchone()
            if row:
                return row[0].removeprefix("gj-"), row[1]
            time.sleep(0.1)
        cursor.execute("SELECT application_name, datname, state, wait_event_type, wait_event, left(query, 100) FROM "
                       "pg_stat_activity WHERE application_name <> '' AND backend_type = 'client backend'")
        activity = cursor.fetchall()
    raise AssertionError(f"no worker ever waited for the audit chain's lock\n{activity}\n" +
                         "".join(cluster.log(name)[-1500:] for name in workers))


def _holds_table(pid: int, table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE l.pid = %s AND "
                       "c.relname = %s AND l.mode = 'RowExclusiveLock'", [pid, table])
        return cursor.fetchone() is not None


def _backend_gone(pid: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
            if cursor.fetchone() is None:
                return
            time.sleep(0.1)
    raise AssertionError(f"the killed worker's backend {pid} is still there")


def _day(on: date) -> dict:
    """What a committed run of the day left: its cards (spans standing that day, only once the day's run is there),
    its run row, its notices and the ladder states it moved."""
    ran = SupervisionRun.objects.filter(date=on).exists()
    return {"cards": Card.objects.on(on).count() if ran else 0, "runs": SupervisionRun.objects.filter(date=on).count(),
            "notices": Notice.objects.filter(issued_on=on).count(),
            "states": EscalationState.objects.filter(as_of=on).count()}


def test_two_servers_and_two_workers_share_sessions_lockout_and_the_daily_run(cluster, cast, world, settings):
    # Accounts made with the hasher the servers use (the suite's fast hasher is not among theirs).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    for user in (cast.editor_a, cast.viewer_a):
        user.set_password(cast.password)
        user.save(update_fields=["password"])
    # Everything starts at once (the start-up is most of this test's time). The workers that race the daily jobs
    # serve the servers' queue on RACE_DAY; the pair one of which is killed serves its own queue on KILL_DAY.
    port_a, port_b = cluster.server("server-a"), cluster.server("server-b")
    for name in ("worker-1", "worker-2"):
        cluster.worker(name, RACE_DAY, cluster.env["REDIS_URL"])
    for name in ("worker-3", "worker-4"):
        cluster.worker(name, KILL_DAY, cluster.second_queue)
    cluster.ready("server-a", port_a)
    cluster.ready("server-b", port_b)

    # A session opened on A is accepted by B; without it B sends the visitor to the login page.
    status, cookies = _login(port_a, "editor_a", cast.password)
    assert status == 302
    landing = reverse("dispatch_queue")
    status, _, page = _request(port_b, "GET", landing, dict(cookies))
    assert status == 200 and cast.editor_a.person.display_name in page
    status, location, _ = _request(port_b, "GET", landing, {})
    assert status == 302 and location.startswith("/login/")

    # Wrong passwords alternately on A and B lock the account at the configured count, counted across both; the
    # right password is then refused on the server that did not see the last failure.
    for attempt in range(LOCKOUT):
        status, _ = _login((port_a, port_b)[attempt % 2], "viewer_a", "Wrong#Pass2023")
        assert status == 400, status
        person = Person.objects.get(user=cast.viewer_a)
        if attempt < LOCKOUT - 1:
            assert (person.failed_logins, person.locked_until) == (attempt + 1, None)
    assert Person.objects.get(user=cast.viewer_a).locked_until is not None
    other = (port_a, port_b)[LOCKOUT % 2]
    status, cookies = _login(other, "viewer_a", cast.password)
    assert status == 400, "a locked account signed in"
    assert _request(other, "GET", landing, cookies)[0] == 302

    # The daily jobs, enqueued twice each as two workers' schedulers do, raced by two workers: one day's worth.
    _wait_started(cluster, ["worker-1", "worker-2"])
    ids = _enqueue(cluster.env["REDIS_URL"], [name for name in DAILY_JOBS for _ in range(2)])
    outcome = _wait_finished(cluster, ["worker-1", "worker-2"], ids)
    assert list(outcome.values()) == ["ok"] * len(ids), cluster.log("worker-1") + cluster.log("worker-2")
    assert ids[0] in cluster.log("worker-1") and ids[1] in cluster.log("worker-2") or (
        ids[0] in cluster.log("worker-2") and ids[1] in cluster.log("worker-1")), "the two runs did not race"
    open_tasks = Task.objects.filter(status__in=Task.OPEN_STATUSES).count()
    cards = dict(Card.objects.on(RACE_DAY).values_list("task_id", "color"))
    assert sorted(cards.values()) == ["red", "red", "yellow"]
    assert _day(RACE_DAY) == {"cards": open_tasks, "runs": 1, "notices": 3, "states": open_tasks}
    assert sorted(Notice.objects.values_list("task_id", "kind")) == sorted(
        (task_id, {"red": "urge", "yellow": "reminder"}[color]) for task_id, color in cards.items())
    assert sorted(Reminder.objects.values_list("unit__name", "kind")) == [("发改局", "due"), ("姜山镇", "due")]
    sent = Counter(Notification.objects.values_list("user_id", "title"))
    assert sent and max(sent.values()) == 1, sent

    # A worker killed in the middle of the run: it has written the day's cards (uncommitted) and waits for the
    # audit chain, which this test holds. After the kill nothing of that day is visible; a rerun completes it.
    workers = ("worker-3", "worker-4")
    with transaction.atomic():
        AuditHead.objects.select_for_update().get_or_create(pk=1)
        _enqueue(cluster.second_queue, ["gongjian.supervision.jobs.supervise_daily"])
        victim, backend = _blocked_backend(cluster, workers)
        assert _holds_table(backend, "supervision_card"), "the run was stopped before it wrote the cards"
        assert _day(KILL_DAY)["cards"] == 0
        cluster.processes[victim].send_signal(signal.SIGKILL)
        cluster.processes[victim].wait(timeout=10)
        transaction.set_rollback(True)
    _backend_gone(backend)
    assert _day(KILL_DAY) == {"cards": 0, "runs": 0, "notices": 0, "states": 0}
    survivor = next(name for name in workers if name != victim)
    ids = _enqueue(cluster.second_queue, ["gongjian.supervision.jobs.supervise_daily"])
    assert list(_wait_finished(cluster, [survivor], ids).values()) == ["ok"]
    # Nothing moved on the ladder overnight, so no state is rewritten; every open task still has one.
    assert _day(KILL_DAY) == {"cards": open_tasks, "runs": 1, "notices": 0, "states": 0}
    assert EscalationState.objects.count() == open_tasks
