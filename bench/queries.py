"""SQL statements per page, counted in-process with a before_cursor_execute listener."""

from bench.databases import bench_app
from bench.pages import PAGES, resolve_paths
from tracker.auth.models import Role
from tracker.common.statements import counting_statements
from tracker.demo.plan import demo_password
from tracker.extensions import cache, db


def statements_per_page(url, workdir, facts, specs=PAGES):
    """{page name: statement count, or an error string, or None when the page does not exist}."""
    app = bench_app(url, workdir)
    with app.app_context():
        engine = db.engine
    paths = resolve_paths(app, facts, specs)
    client = app.test_client()
    response = client.post("/sign-in", data={"email": "chair@example.org", "password": demo_password(Role.CHAIR)})
    if response.status_code != 302:
        raise RuntimeError(f"sign-in answered {response.status_code}")
    counts = {}
    for name, path in paths.items():
        if path is None:
            counts[name] = None
            continue
        client.get(path)  # the first request fills caches that later ones share
        with app.app_context():
            # Count the work of each page, not a read of figures kept from the request before.
            cache.clear()
        with counting_statements(engine) as log:
            response = client.get(path)
        counts[name] = log.count if response.status_code == 200 else f"answered {response.status_code}"
    engine.dispose()
    return counts
