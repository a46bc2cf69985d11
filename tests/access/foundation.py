"""Access rules for the foundation: sign-in, account, dashboard, admin of users."""

from tests.access import ADMIN_ONLY, ADMIN_POST, PUBLIC, READ_ALL, ROLES, SIGNED_IN_POST

RULES = {
    "static": {"method": "GET", "args": lambda d: {"filename": "app.js"}, "expect": PUBLIC},
    "main.healthz": {"method": "GET", "args": lambda d: {}, "expect": PUBLIC},
    "main.accessibility": {"method": "GET", "args": lambda d: {}, "expect": PUBLIC},
    "main.privacy": {"method": "GET", "args": lambda d: {}, "expect": PUBLIC},
    "main.dashboard": {"method": "GET", "args": lambda d: {}, "expect": READ_ALL},
    "auth.sign_in": {
        "method": "GET",
        "args": lambda d: {},
        "expect": {"anon": 200, "viewer": 302, "lead": 302, "other_lead": 302, "chair": 302, "admin": 302},
    },
    # Without single sign-on settings (as here) both pages are missing for everyone;
    # tests/integration/test_oidc_*.py check them against a real OpenID provider.
    "auth.organisation_sign_in": {"method": "GET", "args": lambda d: {}, "expect": {role: 404 for role in ROLES}},
    "auth.organisation_callback": {"method": "GET", "args": lambda d: {}, "expect": {role: 404 for role in ROLES}},
    "auth.sign_out": {"method": "POST", "args": lambda d: {}, "expect": SIGNED_IN_POST},
    "auth.keep_alive": {"method": "POST", "args": lambda d: {}, "expect": SIGNED_IN_POST},
    "auth.account": {"method": "GET", "args": lambda d: {}, "expect": READ_ALL},
    "auth.forgot_password": {"method": "GET", "args": lambda d: {}, "expect": PUBLIC},
    "auth.reset_password": {"method": "GET", "args": lambda d: {"token": d.reset_token}, "expect": PUBLIC},
    "admin.users": {"method": "GET", "args": lambda d: {}, "expect": ADMIN_ONLY},
    "admin.new_user": {"method": "GET", "args": lambda d: {}, "expect": ADMIN_ONLY},
    "admin.edit_user": {"method": "GET", "args": lambda d: {"user_id": d.viewer.id}, "expect": ADMIN_ONLY},
    "admin.deactivate_user": {"method": "POST", "args": lambda d: {"user_id": d.spare.id}, "expect": ADMIN_POST},
    "admin.reactivate_user": {"method": "POST", "args": lambda d: {"user_id": d.spare.id}, "expect": ADMIN_POST},
    "admin.hand_over": {"method": "GET", "args": lambda d: {"user_id": d.lead.id}, "expect": ADMIN_ONLY},
    "audit.audit_log_csv": {"method": "GET", "args": lambda d: {}, "expect": ADMIN_ONLY},
    "admin.departments": {"method": "GET", "args": lambda d: {}, "expect": ADMIN_ONLY},
    "admin.report_logo": {"method": "GET", "args": lambda d: {}, "expect": ADMIN_ONLY},
    "admin.remove_report_logo": {"method": "POST", "args": lambda d: {}, "expect": ADMIN_POST},
    "admin.edit_department": {
        "method": "GET",
        "args": lambda d: {"department_id": d.department.id},
        "expect": ADMIN_ONLY,
    },
}


def SETUP(data, make):
    """A live password reset link, so the reset page can be reached."""
    from tracker.auth.services import create_reset_token

    data.reset_token = create_reset_token(data.spare)
    make.db.session.commit()
