"""The organisation's logo on the report's cover: upload, replace and remove it."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from tracker.admin import bp, logo
from tracker.admin.forms import LogoForm, RemoveLogoForm
from tracker.auth.permissions import manage_users
from tracker.common.permissions import require
from tracker.extensions import db


def _page(form, status=200):
    current = logo.current_logo()
    preview = logo.data_uri(current) if current else None
    return render_template(
        "admin/logo.html", form=form, remove_form=RemoveLogoForm(), logo=current, preview=preview
    ), status


@bp.route("/logo", methods=["GET", "POST"])
@require(manage_users)
def report_logo():
    """Show the logo on the report's cover, and upload a new one."""
    form = LogoForm()
    if form.validate_on_submit():
        replaced = logo.current_logo() is not None
        logo.save_logo(form.upload, current_user)
        db.session.commit()
        done = "Logo replaced" if replaced else "Logo uploaded"
        flash(f"{done}. Reports built from now on show it on the cover.", "success")
        return redirect(url_for("admin.report_logo"))
    return _page(form, 400 if form.is_submitted() else 200)


@bp.route("/logo/remove", methods=["POST"])
@require(manage_users)
def remove_report_logo():
    """Take the logo off the report's cover."""
    form = RemoveLogoForm()
    current = logo.current_logo()
    if current is None:
        flash("There is no logo to remove.", "info")
    elif form.validate_on_submit():
        logo.remove_logo(current, current_user)
        db.session.commit()
        flash("Logo removed. Reports built from now on have no logo.", "success")
    return redirect(url_for("admin.report_logo"))
